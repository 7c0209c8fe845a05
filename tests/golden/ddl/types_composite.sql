-- composite types: CREATE TYPE AS (...), ROW(...)::t, field access, columns, text I/O
CREATE TYPE pt AS (x int, y text);
SELECT ROW(1, 'a')::pt::text;
SELECT ROW(1, 'a b')::pt::text, ROW(2, NULL)::pt::text, ROW(NULL, '')::pt::text, ROW(3, 'q"u,o(t)e\')::pt::text;
SELECT (ROW(1, 'a')::pt).x, (ROW(1, 'a')::pt).y;
SELECT '(5,xyz)'::pt::text, '(6,"a,b")'::pt::text, '(,)'::pt::text, ' (7, b c ) '::pt::text;
SELECT ('(5,xyz)'::pt).y;
SELECT '5,xyz'::pt;
SELECT '(1,a,b)'::pt;
SELECT '(1)'::pt;
SELECT '(x,a)'::pt;
SELECT '(1,a) junk'::pt;
SELECT ROW(1, 'a', 3)::pt;
CREATE TABLE shapes (id int PRIMARY KEY, p pt, tag text);
INSERT INTO shapes VALUES (1, ROW(1, 'one'), 'a'), (2, '(2,two)', 'b'), (3, NULL, 'c'), (4, ROW(NULL, 'n'), 'd');
SELECT id, p::text, (p).x, (p).y FROM shapes ORDER BY id;
SELECT id FROM shapes WHERE (p).x > 1 ORDER BY id;
SELECT id, p::text FROM shapes WHERE p IS NULL ORDER BY id;
UPDATE shapes SET p = ROW((p).x + 10, (p).y || '!') WHERE id = 1;
SELECT id, p::text FROM shapes WHERE id = 1;
SELECT (p).z FROM shapes;
SELECT id FROM shapes WHERE p = ROW(2, 'two')::pt;
SELECT id FROM shapes WHERE p <> ROW(2, 'two')::pt ORDER BY id;
SELECT id, p::text FROM shapes WHERE p IS NOT NULL ORDER BY p DESC, id;
SELECT id FROM shapes WHERE p < ROW(3, 'a')::pt ORDER BY id;
SELECT id FROM shapes WHERE p = '(2,two)';
SELECT ROW(1, NULL)::pt = ROW(1, NULL)::pt AS composite_eq, ROW(1, NULL) = ROW(1, NULL) AS row_eq;
SELECT max(p)::text, min(p::text) FROM shapes;
SELECT p::text FROM shapes WHERE id = 2;
SELECT pg_typeof(p) FROM shapes WHERE id = 2;
-- nested composite and arrays of composites
CREATE TYPE seg AS (a pt, n int, label varchar(10));
SELECT ROW(ROW(1, 'a')::pt, 2, 'l1')::seg::text;
SELECT (ROW(ROW(1, 'a')::pt, 2, 'l1')::seg).a::text, ((ROW(ROW(1, 'a')::pt, 2, 'l1')::seg).a).y;
SELECT ARRAY[ROW(1, 'a')::pt, ROW(2, 'b c')::pt]::text;
SELECT '{"(1,a)","(2,b)"}'::pt[]::text;
-- catalog
SELECT c.relname, c.relkind, c.relnatts, t.typname, t.typtype, t.typcategory
FROM pg_class c JOIN pg_type t ON t.oid = c.reltype WHERE c.relname = 'pt';
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnum FROM pg_attribute a
JOIN pg_type t ON t.typrelid = a.attrelid WHERE t.typname = 'seg' ORDER BY a.attnum;
SELECT typname FROM pg_type WHERE typelem = 'pt'::regtype;
-- errors and DROP
CREATE TYPE pt AS (q int);
CREATE TYPE bad AS (a int, a text);
CREATE TYPE bad AS (a nosuchtype);
DROP TYPE pt;
DROP TYPE seg;
DROP TABLE shapes;
DROP TYPE pt;
DROP TYPE pt;
SELECT count(*) FROM pg_class WHERE relname IN ('pt', 'seg');
