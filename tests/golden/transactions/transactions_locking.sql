-- SELECT ... FOR UPDATE / FOR SHARE and friends, single session
CREATE TABLE jobs (id int PRIMARY KEY, state text NOT NULL DEFAULT 'queued', worker text, attempts int NOT NULL DEFAULT 0);
INSERT INTO jobs (id) SELECT g FROM generate_series(1, 6) g;
BEGIN;
SELECT id, state FROM jobs WHERE id = 1 FOR UPDATE;
UPDATE jobs SET state = 'running', worker = 'w1' WHERE id = 1;
COMMIT;
BEGIN;
SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED;
SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE NOWAIT;
SELECT id FROM jobs WHERE id IN (2, 3) ORDER BY id FOR SHARE;
SELECT id FROM jobs WHERE id = 4 FOR NO KEY UPDATE;
SELECT id FROM jobs WHERE id = 5 FOR KEY SHARE;
SELECT id FROM jobs WHERE id = 6 FOR SHARE NOWAIT;
SELECT id FROM jobs WHERE id = 6 FOR SHARE SKIP LOCKED;
COMMIT;
-- queue pattern used by job runners
WITH next_job AS (
    SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET state = 'running', worker = 'w2', attempts = attempts + 1
FROM next_job WHERE jobs.id = next_job.id
RETURNING jobs.id, jobs.state, jobs.worker, jobs.attempts;
SELECT id, state, worker FROM jobs ORDER BY id;
-- locking clauses with joins and OF
CREATE TABLE workers (name text PRIMARY KEY, active boolean NOT NULL);
INSERT INTO workers VALUES ('w1', true), ('w2', false);
BEGIN;
SELECT j.id, w.name FROM jobs j JOIN workers w ON w.name = j.worker ORDER BY j.id FOR UPDATE OF j;
SELECT j.id, w.name FROM jobs j JOIN workers w ON w.name = j.worker ORDER BY j.id FOR SHARE OF w NOWAIT;
SELECT j.id FROM jobs j JOIN workers w ON w.name = j.worker ORDER BY j.id FOR UPDATE OF nope;
ROLLBACK;
-- FOR UPDATE outside a transaction block is allowed (autocommit)
SELECT id FROM jobs WHERE id = 6 FOR UPDATE;
-- not allowed with aggregates, DISTINCT, GROUP BY, set operations
SELECT count(*) FROM jobs FOR UPDATE;
SELECT DISTINCT state FROM jobs FOR UPDATE;
SELECT state FROM jobs GROUP BY state FOR SHARE;
SELECT id FROM jobs UNION SELECT 1 FOR UPDATE;
SELECT id, row_number() OVER () FROM jobs FOR UPDATE;
-- FOR UPDATE on a subquery and in a CTE
SELECT * FROM (SELECT id FROM jobs WHERE id < 3 FOR UPDATE) sub ORDER BY id;
WITH locked AS (SELECT id FROM jobs WHERE id > 4 FOR UPDATE) SELECT count(*) FROM locked;
-- LOCK TABLE inside a transaction
BEGIN;
LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE;
UPDATE jobs SET attempts = attempts + 1 WHERE id = 1;
COMMIT;
BEGIN;
LOCK TABLE jobs IN SHARE MODE NOWAIT;
LOCK jobs;
COMMIT;
LOCK TABLE jobs;
SELECT id, attempts FROM jobs WHERE id = 1;
