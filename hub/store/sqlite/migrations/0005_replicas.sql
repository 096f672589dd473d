-- 0005: coordination of hub replicas sharing a store: which replica holds each cluster's
-- cluster-connect tunnel (no foreign key: a row outlives nothing but a tunnel, and a stale
-- one only sends a request to a replica that answers "no tunnel"), and named leases that
-- elect one replica for fleet-wide work. One hub on SQLite always holds both.

CREATE TABLE tunnel_holders (
    cluster_key TEXT PRIMARY KEY,
    replica     TEXT NOT NULL,
    peer_url    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
