-- temporary tables: creation, shadowing, search path, ON COMMIT, catalog views
CREATE TABLE t (a int);
INSERT INTO t VALUES (100);
SELECT pg_my_temp_schema() = 0 AS no_temp_schema_yet;
SELECT count(*) FROM pg_namespace WHERE oid = pg_my_temp_schema();
CREATE TEMP TABLE t (a int PRIMARY KEY, b text DEFAULT 'd');
INSERT INTO t (a) VALUES (1), (2);
SELECT * FROM t ORDER BY a;
SELECT * FROM public.t;
SELECT * FROM pg_temp.t ORDER BY a;
SELECT pg_my_temp_schema() <> 0 AS has_temp_schema, pg_is_other_temp_schema(pg_my_temp_schema());
SELECT regexp_replace(nspname, '[0-9]+$', 'N') FROM pg_namespace WHERE oid = pg_my_temp_schema();
SELECT c.relname, c.relkind, c.relpersistence, c.relnamespace = pg_my_temp_schema() AS in_temp
  FROM pg_class c WHERE c.relname IN ('t', 't_pkey') ORDER BY c.relpersistence, c.relname;
SELECT regexp_replace(array_to_string(current_schemas(true), ','), 'pg_temp_[0-9]+', 'pg_temp_N');
SELECT current_schemas(false), current_schema();
SELECT regexp_replace(table_schema, '[0-9]+$', 'N'), table_name, table_type
  FROM information_schema.tables WHERE table_name = 't' ORDER BY table_type;
SELECT pg_table_is_visible('t'::regclass), pg_table_is_visible('public.t'::regclass);
SELECT 't'::regclass = 'pg_temp.t'::regclass AS same;
-- psql's \dt
SELECT regexp_replace(n.nspname, '[0-9]+$', 'N') AS "Schema", c.relname AS "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END AS "Type"
  FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast'
    AND n.nspname <> 'information_schema' AND pg_catalog.pg_table_is_visible(c.oid)
  ORDER BY 1, 2;
-- the path: an explicit pg_temp goes where it stands
SET search_path = public, pg_temp;
SELECT * FROM t;
SELECT regexp_replace(array_to_string(current_schemas(true), ','), 'pg_temp_[0-9]+', 'pg_temp_N');
RESET search_path;
-- DDL on temp tables
CREATE INDEX t_b ON t (b);
SELECT relpersistence FROM pg_class WHERE relname = 't_b';
ALTER TABLE t ADD COLUMN c int DEFAULT 7;
UPDATE t SET b = 'u' WHERE a = 2;
SELECT * FROM t ORDER BY a;
INSERT INTO t VALUES (1, 'dup');
TRUNCATE t;
SELECT count(*) FROM t;
DROP TABLE t;
SELECT * FROM t;
DROP TABLE t;
-- creation errors
CREATE TEMP TABLE public.x (a int);
CREATE TABLE y (a int) ON COMMIT DROP;
CREATE TEMP TABLE pg_temp.z (a int);
CREATE TABLE pg_temp.z2 (a int);
SELECT relname, relpersistence FROM pg_class WHERE relname IN ('z', 'z2') ORDER BY 1;
-- CREATE TEMP TABLE AS, SELECT INTO TEMP, LOCAL
CREATE TEMP TABLE ctas AS SELECT g AS n FROM generate_series(1, 3) g;
SELECT * FROM ctas ORDER BY n;
SELECT n * 10 AS m INTO TEMP sel_into FROM ctas;
SELECT * FROM sel_into ORDER BY m;
SELECT 1 AS one INTO TEMPORARY TABLE sel_into2;
CREATE LOCAL TEMPORARY TABLE loc (a int);
SELECT relname, relpersistence FROM pg_class WHERE relname IN ('ctas', 'sel_into', 'sel_into2', 'loc') ORDER BY 1;
-- temp views and sequences
CREATE TEMP VIEW tv AS SELECT * FROM ctas;
CREATE VIEW auto_temp AS SELECT n FROM ctas WHERE n > 1;
CREATE VIEW public.bad AS SELECT n FROM ctas;
SELECT relname, relkind, relpersistence FROM pg_class WHERE relname IN ('tv', 'auto_temp') ORDER BY 1;
SELECT * FROM auto_temp ORDER BY n;
SELECT regexp_replace(table_schema, '[0-9]+$', 'N'), table_name, table_type
  FROM information_schema.tables WHERE table_name IN ('tv', 'auto_temp') ORDER BY 2;
CREATE TEMP SEQUENCE tseq;
SELECT nextval('tseq'), nextval('tseq');
SELECT relpersistence FROM pg_class WHERE relname = 'tseq';
CREATE TEMP TABLE ser (id serial PRIMARY KEY, v text);
INSERT INTO ser (v) VALUES ('a'), ('b');
SELECT * FROM ser ORDER BY id;
SELECT relname, relpersistence FROM pg_class WHERE relname LIKE 'ser%' ORDER BY 1;
-- ON COMMIT
BEGIN;
CREATE TEMP TABLE oc_drop (x int) ON COMMIT DROP;
INSERT INTO oc_drop VALUES (1);
SELECT * FROM oc_drop;
COMMIT;
SELECT * FROM oc_drop;
CREATE TEMP TABLE oc_delete (x int PRIMARY KEY) ON COMMIT DELETE ROWS;
INSERT INTO oc_delete VALUES (1);
SELECT count(*) FROM oc_delete;
BEGIN;
INSERT INTO oc_delete VALUES (1), (2);
SELECT count(*) FROM oc_delete;
COMMIT;
SELECT count(*) FROM oc_delete;
INSERT INTO oc_delete VALUES (1);
CREATE TEMP TABLE oc_keep (x int) ON COMMIT PRESERVE ROWS;
INSERT INTO oc_keep VALUES (1);
SELECT count(*) FROM oc_keep;
CREATE TEMP TABLE oc_ctas ON COMMIT DROP AS SELECT 1 AS x;
SELECT * FROM oc_ctas;
-- rollback and savepoints undo temp DDL
BEGIN;
CREATE TEMP TABLE rb (a int);
ROLLBACK;
SELECT * FROM rb;
BEGIN;
SAVEPOINT s1;
CREATE TEMP TABLE rb2 (a int);
ROLLBACK TO SAVEPOINT s1;
SELECT * FROM rb2;
COMMIT;
-- DISCARD TEMP drops them all
DISCARD TEMP;
SELECT * FROM ctas;
SELECT * FROM t;
SELECT count(*) FROM pg_class WHERE relpersistence = 't';
CREATE TEMP TABLE again (a int);
INSERT INTO again VALUES (5);
SELECT * FROM again;
-- foreign keys never mix temporary and permanent tables
CREATE TABLE perm_parent (id int PRIMARY KEY);
CREATE TEMP TABLE temp_parent (id int PRIMARY KEY);
CREATE TEMP TABLE temp_child (p int REFERENCES perm_parent);
CREATE TABLE perm_child (p int REFERENCES temp_parent);
CREATE TEMP TABLE temp_child2 (p int REFERENCES temp_parent);
INSERT INTO temp_parent VALUES (1);
INSERT INTO temp_child2 VALUES (1);
INSERT INTO temp_child2 VALUES (2);
DROP TABLE temp_parent;
DROP TABLE temp_parent CASCADE;
INSERT INTO temp_child2 VALUES (3);
-- LOCK, rename
CREATE TEMP TABLE cp (a int, b text);
LOCK TABLE cp IN ACCESS EXCLUSIVE MODE;
ALTER TABLE cp RENAME TO cp2;
SELECT relname, relpersistence FROM pg_class WHERE relname IN ('cp', 'cp2');
-- a temp sequence shadows nothing it should not: nextval finds the temp one first
CREATE SEQUENCE sq START 100;
CREATE TEMP SEQUENCE sq START 5;
SELECT nextval('sq'), nextval('public.sq');
-- no moving in or out of the temp schema; IF NOT EXISTS; shadowing a catalog relation
ALTER TABLE cp2 SET SCHEMA public;
ALTER TABLE perm_parent SET SCHEMA pg_temp;
CREATE TEMP TABLE IF NOT EXISTS cp2 (z int);
SELECT * FROM cp2;
CREATE TEMP TABLE pg_class (x int);
SELECT x FROM pg_class;
SELECT count(*) > 10 FROM pg_catalog.pg_class;
-- a read-only transaction may write temporary tables, nothing else
CREATE TEMP TABLE ro (a int);
CREATE TABLE rop (a int);
BEGIN READ ONLY;
INSERT INTO ro VALUES (1);
UPDATE ro SET a = 2;
SELECT * FROM ro;
COMMIT;
SELECT * FROM ro;
BEGIN READ ONLY;
INSERT INTO rop VALUES (1);
ROLLBACK;
BEGIN READ ONLY;
CREATE TEMP TABLE ro2 (a int);
ROLLBACK;
BEGIN READ ONLY;
DELETE FROM ro RETURNING *;
COMMIT;
SELECT count(*) FROM ro;
CREATE TEMP TABLE ro_serial (id serial, v text);
BEGIN READ ONLY;
INSERT INTO ro_serial (v) VALUES ('x'), ('y');
SELECT nextval('sq');
SELECT nextval('public.sq');
ROLLBACK;
SELECT * FROM ro_serial;
