-- 0002: resource versions, the compare-and-swap of conditional writes (ARM etags).
-- Every write of a resource takes the next value of one counter, so a resource deleted and
-- created again never shows a version it had before; rows written before this migration
-- start at 0 and get a fresh version on their next write.

ALTER TABLE resources ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE resource_versions (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    current INTEGER NOT NULL
);

INSERT INTO resource_versions (id, current) VALUES (1, 0);
