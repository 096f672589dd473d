-- 0003: diagnostics of the agents: their log, in the batches they ship, and their resource use
-- at each heartbeat. Both go with their cluster.

CREATE TABLE agent_log_batches (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster_key TEXT    NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    received_at TEXT    NOT NULL,
    -- last_time is the newest line's time (received_at for a batch without lines).
    last_time   TEXT    NOT NULL,
    -- size is the length of lines plus a fixed estimate of the row's other columns and
    -- index entries, counted against the cluster's retention by size.
    size        INTEGER NOT NULL,
    -- cum_bytes is the running total of the cluster's sizes up to this batch (the previous
    -- batch's cum_bytes plus size), so the retention by size needs no sum.
    cum_bytes   INTEGER NOT NULL,
    dropped     INTEGER NOT NULL,
    lines       TEXT    NOT NULL
);

-- Covers reading a cluster's log in seq order and the retention by size, which finds the
-- first batch past the bound by cum_bytes in seq order.
CREATE INDEX agent_log_batches_by_cluster ON agent_log_batches (cluster_key, seq, cum_bytes);
CREATE INDEX agent_log_batches_by_age ON agent_log_batches (received_at);

CREATE TABLE usage_samples (
    cluster_key    TEXT    NOT NULL REFERENCES resources (key) ON DELETE CASCADE,
    at             TEXT    NOT NULL,
    cpu_millicores INTEGER NOT NULL,
    memory_bytes   INTEGER NOT NULL,
    PRIMARY KEY (cluster_key, at)
);

CREATE INDEX usage_samples_by_age ON usage_samples (at);
