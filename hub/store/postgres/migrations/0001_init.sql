-- 0001: the hub's schema on PostgreSQL, the same tables as the SQLite store's migrations
-- 0001-0004 (see hub/store/sqlite/migrations for what each column means).
-- Keys are lower-cased ARM IDs in the "C" collation, so ordering and paging compare bytes
-- whatever the database's default collation, as SQLite does. Timestamps are UTC text of fixed
-- width (2006-01-02T15:04:05.000000000Z), as in SQLite: they keep nanoseconds and compare as
-- strings.

CREATE TABLE resources (
    key                TEXT COLLATE "C" PRIMARY KEY,
    id                 TEXT NOT NULL,
    type               TEXT NOT NULL,
    type_key           TEXT COLLATE "C" NOT NULL,
    subscription       TEXT NOT NULL,
    subscription_key   TEXT COLLATE "C" NOT NULL,
    resource_group     TEXT NOT NULL,
    resource_group_key TEXT COLLATE "C" NOT NULL,
    parent_id          TEXT NOT NULL,
    -- NULL for a top-level resource; deleting a parent deletes its children.
    parent_key         TEXT COLLATE "C" REFERENCES resources (key) ON DELETE CASCADE,
    body               TEXT NOT NULL,
    version            BIGINT NOT NULL,
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL
);

CREATE INDEX resources_by_type ON resources (type_key, key);
CREATE INDEX resources_by_parent ON resources (parent_key, key);

-- Resource versions (etags) need only be unique and never repeat, across replicas: a
-- sequence, which no transaction waits on.
CREATE SEQUENCE resource_versions AS BIGINT;

-- The desired state's resourceVersion counter and compaction horizon. It is a row, not a
-- sequence: a write holds its lock until it commits, so resourceVersions are issued in commit
-- order and a watcher that read up to N can never see a change below N appear later.
CREATE TABLE desired_versions (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    current_rv   BIGINT NOT NULL,
    compacted_rv BIGINT NOT NULL
);

INSERT INTO desired_versions (id, current_rv, compacted_rv) VALUES (1, 0, 0);

CREATE TABLE desired_objects (
    cluster_key TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    rv          BIGINT NOT NULL,
    created_rv  BIGINT NOT NULL,
    -- NULL once deleted: tombstones keep no payload (specs may carry secrets).
    spec        TEXT,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at  TEXT COLLATE "C",
    PRIMARY KEY (cluster_key, kind, name)
);

CREATE INDEX desired_objects_by_rv ON desired_objects (cluster_key, rv);
CREATE INDEX desired_objects_tombstones ON desired_objects (deleted_at) WHERE deleted;

CREATE TABLE runtimes (
    cluster_key           TEXT COLLATE "C" PRIMARY KEY REFERENCES resources (key) ON DELETE CASCADE,
    cluster_id            TEXT NOT NULL,
    heartbeat             TEXT NOT NULL,
    last_heartbeat        TEXT COLLATE "C",
    certificate_not_after TEXT COLLATE "C"
);

CREATE TABLE statuses (
    cluster_key TEXT COLLATE "C" NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    kind        TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    observed_rv TEXT NOT NULL,
    status      TEXT NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (cluster_key, kind, name)
);

CREATE TABLE tokens (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       BYTEA NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C",
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE agent_log_batches (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cluster_key TEXT COLLATE "C" NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    received_at TEXT COLLATE "C" NOT NULL,
    last_time   TEXT COLLATE "C" NOT NULL,
    size        BIGINT NOT NULL,
    cum_bytes   BIGINT NOT NULL,
    dropped     BIGINT NOT NULL,
    lines       TEXT NOT NULL
);

CREATE INDEX agent_log_batches_by_cluster ON agent_log_batches (cluster_key, seq, cum_bytes);
CREATE INDEX agent_log_batches_by_age ON agent_log_batches (received_at);

CREATE TABLE usage_samples (
    cluster_key    TEXT COLLATE "C" NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    at             TEXT COLLATE "C" NOT NULL,
    cpu_millicores BIGINT NOT NULL,
    memory_bytes   BIGINT NOT NULL,
    PRIMARY KEY (cluster_key, at)
);

CREATE INDEX usage_samples_by_age ON usage_samples (at);

CREATE TABLE connectivity_checks (
    cluster_key TEXT COLLATE "C" PRIMARY KEY REFERENCES resources (key) ON DELETE CASCADE,
    received_at TEXT COLLATE "C" NOT NULL,
    checks      TEXT NOT NULL
);
