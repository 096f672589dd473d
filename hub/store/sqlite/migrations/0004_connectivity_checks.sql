-- 0004: the latest connectivity checks each cluster's agent reported (DNS, TCP, proxy, TLS,
-- clock skew, client certificate); one row per cluster, replaced by every report, gone with
-- its cluster.

CREATE TABLE connectivity_checks (
    cluster_key TEXT PRIMARY KEY REFERENCES resources (key) ON DELETE CASCADE,
    received_at TEXT NOT NULL,
    -- []protocol.ConnectivityCheck as JSON.
    checks      TEXT NOT NULL
) WITHOUT ROWID;
