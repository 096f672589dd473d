-- 0001: the hub's first schema.
-- Keys are lower-cased ARM IDs: ARM names are case-insensitive, so every lookup, filter and
-- ordering uses them, while the original spelling is kept beside them for display.
-- Timestamps are UTC text of fixed width (2006-01-02T15:04:05.000000000Z), so they compare
-- as strings.

CREATE TABLE resources (
    key                TEXT PRIMARY KEY,
    id                 TEXT NOT NULL,
    type               TEXT NOT NULL,
    type_key           TEXT NOT NULL,
    subscription       TEXT NOT NULL,
    subscription_key   TEXT NOT NULL,
    resource_group     TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    parent_id          TEXT NOT NULL,
    -- NULL for a top-level resource; deleting a parent deletes its children.
    parent_key         TEXT REFERENCES resources (key) ON DELETE CASCADE,
    body               TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX resources_by_type ON resources (type_key, key);
CREATE INDEX resources_by_parent ON resources (parent_key, key);

-- The desired state's global resourceVersion counter (current_rv) and the compaction
-- horizon: watches from before compacted_rv may have missed a purged deletion.
CREATE TABLE desired_versions (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    current_rv   INTEGER NOT NULL,
    compacted_rv INTEGER NOT NULL
);

INSERT INTO desired_versions (id, current_rv, compacted_rv) VALUES (1, 0, 0);

-- Desired objects are not tied to the resources table by a foreign key: a deleted
-- cluster's objects stay as tombstones (deleted = 1) until compaction, so its watchers
-- see DELETED events.
CREATE TABLE desired_objects (
    cluster_key TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    rv          INTEGER NOT NULL,
    -- rv at which the object last came to life: ADDED versus MODIFIED for watchers.
    created_rv  INTEGER NOT NULL,
    -- NULL once deleted: tombstones keep no payload (specs may carry secrets).
    spec        TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0,
    deleted_at  TEXT,
    PRIMARY KEY (cluster_key, kind, name)
) WITHOUT ROWID;

CREATE INDEX desired_objects_by_rv ON desired_objects (cluster_key, rv);
CREATE INDEX desired_objects_tombstones ON desired_objects (deleted_at) WHERE deleted = 1;

CREATE TABLE runtimes (
    cluster_key           TEXT PRIMARY KEY REFERENCES resources (key) ON DELETE CASCADE,
    cluster_id            TEXT NOT NULL,
    -- protocol.Heartbeat as JSON.
    heartbeat             TEXT NOT NULL,
    last_heartbeat        TEXT,
    certificate_not_after TEXT
) WITHOUT ROWID;

CREATE TABLE statuses (
    cluster_key TEXT NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    observed_rv TEXT NOT NULL,
    status      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (cluster_key, kind, name)
) WITHOUT ROWID;

-- Revoked tokens are kept (revoked = 1) so an audit can still name them.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       BLOB NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- NULL for a token that does not expire.
    expires_at TEXT,
    revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
