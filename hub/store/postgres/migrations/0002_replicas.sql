-- 0002: coordination of hub replicas sharing the database (see the SQLite store's 0005):
-- which replica holds each cluster's cluster-connect tunnel, and named leases that elect one
-- replica for fleet-wide work. Lease times are the database's clock, the one clock every
-- replica shares.

CREATE TABLE tunnel_holders (
    cluster_key TEXT COLLATE "C" PRIMARY KEY,
    replica     TEXT NOT NULL,
    peer_url    TEXT NOT NULL
);

CREATE TABLE leases (
    name       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
