-- 0004: the portal's signed-in browsers, shared by the replicas (see the SQLite store's
-- 0007): the SHA-256 of the session's random ID, and the user's hub token sealed with the
-- hub's data key, never in plaintext. seq is the creation order, by which the caps end the
-- oldest sessions.

CREATE TABLE portal_sessions (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_hash      BYTEA NOT NULL UNIQUE,
    token_hash   BYTEA NOT NULL,
    sealed_token TEXT NOT NULL,
    csrf         TEXT NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    last_seen    TEXT COLLATE "C" NOT NULL
);

CREATE INDEX portal_sessions_by_token ON portal_sessions (token_hash, seq);
CREATE INDEX portal_sessions_by_last_seen ON portal_sessions (last_seen);
CREATE INDEX portal_sessions_by_created ON portal_sessions (created_at);
