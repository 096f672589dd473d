-- 0007: the portal's signed-in browsers, which every replica of a store must know. The
-- session's random ID is only in the browser's cookie: a row holds its SHA-256, and the
-- user's hub token sealed with the hub's data key, never in plaintext. seq is the creation
-- order, by which the caps end the oldest sessions.

CREATE TABLE portal_sessions (
    seq          INTEGER PRIMARY KEY,
    id_hash      BLOB NOT NULL UNIQUE,
    token_hash   BLOB NOT NULL,
    sealed_token TEXT NOT NULL,
    csrf         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen    TEXT NOT NULL
);

CREATE INDEX portal_sessions_by_token ON portal_sessions (token_hash, seq);
CREATE INDEX portal_sessions_by_last_seen ON portal_sessions (last_seen);
CREATE INDEX portal_sessions_by_created ON portal_sessions (created_at);
