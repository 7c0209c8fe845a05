-- three-valued logic and NULL handling everywhere
CREATE TABLE t (id int PRIMARY KEY, a int, b int, s text);
INSERT INTO t VALUES (1, 1, 1, 'x'), (2, 1, NULL, NULL), (3, NULL, NULL, ''), (4, 2, 3, 'y');
SELECT NULL = NULL, NULL <> NULL, NULL = 1, 1 + NULL, NULL || 'a', NULL AND false, NULL OR true, NOT NULL;
SELECT NULL IS NULL, NULL IS NOT NULL, 1 IS NULL, NULL::int IS DISTINCT FROM 1, NULL::int IS NOT DISTINCT FROM NULL, 1 IS DISTINCT FROM 1;
SELECT id FROM t WHERE a = b ORDER BY id;
SELECT id FROM t WHERE a <> b ORDER BY id;
SELECT id FROM t WHERE NOT (a = b) ORDER BY id;
SELECT id FROM t WHERE a IS DISTINCT FROM b ORDER BY id;
SELECT id FROM t WHERE a IS NOT DISTINCT FROM b ORDER BY id;
SELECT id FROM t WHERE b IS NULL ORDER BY id;
SELECT id FROM t WHERE b IS NOT NULL ORDER BY id;
SELECT id FROM t WHERE s = '' ORDER BY id;
SELECT id FROM t WHERE s IS NULL ORDER BY id;
SELECT id FROM t WHERE (a = 1) IS TRUE ORDER BY id;
SELECT id FROM t WHERE (a = 1) IS NOT TRUE ORDER BY id;
SELECT id FROM t WHERE (a = 1) IS FALSE ORDER BY id;
SELECT id FROM t WHERE (a = 1) IS NOT FALSE ORDER BY id;
SELECT id FROM t WHERE (b = 1) IS UNKNOWN ORDER BY id;
SELECT id FROM t WHERE (b = 1) IS NOT UNKNOWN ORDER BY id;
SELECT id, a = b AS eq, a < b AS lt, a IS DISTINCT FROM b AS dist FROM t ORDER BY id;
SELECT id, a + b, a * b, a - b, a / nullif(b, 0), -b, abs(b), greatest(a, b), least(a, b) FROM t ORDER BY id;
SELECT id, s || '!', length(s), upper(s), concat(s, '!'), concat_ws('-', a, b, s), format('%s|%s', a, b) FROM t ORDER BY id;
-- aggregates ignore NULLs; count(*) does not
SELECT count(*), count(a), count(b), count(s), sum(b), avg(b), max(b), min(s), string_agg(s, ',' ORDER BY id) FROM t;
SELECT count(DISTINCT a), count(DISTINCT (a, b)), array_agg(b ORDER BY id) FROM t;
-- GROUP BY / DISTINCT / ORDER BY treat NULLs as equal
SELECT b, count(*) FROM t GROUP BY b ORDER BY b NULLS FIRST;
SELECT DISTINCT b FROM t ORDER BY b;
SELECT id, b FROM t ORDER BY b, id;
SELECT id, b FROM t ORDER BY b DESC, id;
-- NULL in IN lists and subqueries
SELECT id FROM t WHERE b IN (1, NULL) ORDER BY id;
SELECT id FROM t WHERE b NOT IN (1, NULL) ORDER BY id;
SELECT id FROM t WHERE a NOT IN (SELECT b FROM t) ORDER BY id;
SELECT id FROM t WHERE a NOT IN (SELECT b FROM t WHERE b IS NOT NULL) ORDER BY id;
SELECT id FROM t t1 WHERE NOT EXISTS (SELECT 1 FROM t t2 WHERE t2.b = t1.a) ORDER BY id;
SELECT id FROM t WHERE a = ANY (ARRAY[NULL, 2]) ORDER BY id;
-- NULLs in joins, unions and unique constraints
SELECT t1.id, t2.id FROM t t1 JOIN t t2 ON t1.b = t2.b ORDER BY t1.id, t2.id;
SELECT NULL::int UNION SELECT NULL::int;
SELECT NULL::int INTERSECT SELECT NULL::int;
SELECT NULL::int EXCEPT SELECT NULL::int;
CREATE TABLE u (k int UNIQUE);
INSERT INTO u VALUES (NULL), (NULL), (1);
SELECT count(*) FROM u;
SELECT count(*) FROM u WHERE k = NULL;
SELECT count(*) FROM u WHERE k IS NULL;
-- NULL in CASE, COALESCE, arrays, row comparisons
SELECT CASE NULL WHEN NULL THEN 'matched' ELSE 'not matched' END, coalesce(NULL, NULL), ARRAY[NULL, 1], array_length(ARRAY[NULL]::int[], 1);
SELECT ROW(1, NULL) = ROW(1, NULL), ROW(1, NULL) IS NULL, ROW(NULL, NULL) IS NULL, ROW(1, NULL) IS NOT NULL, ROW(1, 2) IS NOT NULL, ROW(1, NULL) IS DISTINCT FROM ROW(1, NULL);
SELECT (1, NULL::int) < (2, 0), (1, NULL::int) < (1, 0), (NULL::int, 1) = (NULL::int, 2);
SELECT NULL::int[] IS NULL, '{}'::int[] IS NULL, ''::text IS NULL, 'null'::jsonb IS NULL, '{"a": null}'::jsonb -> 'a' IS NULL, '{"a": null}'::jsonb ->> 'a' IS NULL;
SELECT pg_typeof(NULL), pg_typeof(NULL::text), pg_typeof(ARRAY[NULL]), pg_typeof(coalesce(NULL, NULL));
SELECT NULL::int + 1 IS NULL, NULL::text LIKE '%', NULL::bool AND NULL::bool, sum(NULL::int), max(NULL::text);
