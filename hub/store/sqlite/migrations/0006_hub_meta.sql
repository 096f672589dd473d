-- 0006: values recorded once for the whole store, e.g. the proof of the data key that seals
-- its protected values (a canary sealed with the key, never the key), which a hub started
-- with another key checks and refuses to start.

CREATE TABLE hub_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
