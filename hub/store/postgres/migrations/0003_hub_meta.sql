-- 0003: values recorded once for the whole store (see the SQLite store's 0006), e.g. the
-- proof of the data key that seals its protected values: a canary sealed with the key, never
-- the key. A replica started with another key checks it and refuses to start.

CREATE TABLE hub_meta (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);
