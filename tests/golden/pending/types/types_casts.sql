-- casting rules: implicit, assignment and explicit casts
SELECT CAST(1 AS text), 1::text, text '1', int '42', pg_typeof(int '42');
SELECT 1 + '2', '1' || 2, pg_typeof(1 + '2'), pg_typeof(date '2024-01-01' + 1);
SELECT '2024-01-01' + interval '1 day';
SELECT 1::smallint + 1::bigint, pg_typeof(1::smallint + 1::bigint), pg_typeof(1::int + 1.5::real), pg_typeof(1.5 + 1.5::real);
SELECT '1'::int + '2'::int, ('1' || '2')::int, 10::text::int * 2;
SELECT 1 = '1', 'a' = 'a'::char(3), 1.0 = 1, 1::float8 = 1::numeric;
SELECT 1 = 'a';
SELECT 1 = 'a'::text;
SELECT true = 1;
SELECT '2024-01-01'::date = '2024-01-01';
SELECT '2024-01-01'::date = 20240101;
SELECT CAST(ARRAY[1, 2] AS text), CAST('{a,b}' AS varchar[]), CAST(CAST(3.7 AS int) AS text);
SELECT CAST(NULL AS int), NULL::text, pg_typeof(NULL), pg_typeof(NULL::int);
SELECT 1::money;
SELECT 'abc'::int;
SELECT '99999999999'::int;
SELECT 2147483648::int4;
SELECT 'x'::char(3)::int;
SELECT 1.5::text::int;
SELECT '12abc'::numeric;
SELECT 'yes'::boolean::int, 0::boolean::text;
SELECT 1::date;
SELECT now()::int;
SELECT '{}'::jsonb::text::jsonb, '[1]'::json::text;
SELECT '{"a":1}'::jsonb::json::text;
SELECT 'abc'::bytea::text::bytea;
SELECT 1::int4::int8::int2::numeric::float4::float8::text;
SELECT interval '1 day'::text::interval, '1 day'::interval::time;
SELECT 'foo'::regclass;
SELECT int4(1.5), int8('42'), float8(1), text(12), bool('t');
SELECT numeric(7);
SELECT CAST('3' AS int) + CAST('4' AS bigint), CAST(1 AS boolean);
SELECT CAST(1.99 AS integer), CAST(-1.5 AS smallint), CAST(2.5 AS bigint);
SELECT CAST('2024-02-30' AS date);
SELECT CAST('abc' AS varchar(2)), CAST('abc' AS char(1)), CAST(12345 AS varchar(3));
-- assignment casts when storing values
CREATE TABLE typed (
    i int,
    s smallint,
    n numeric(6, 2),
    v varchar(4),
    c char(2),
    t text,
    b boolean,
    d date,
    ts timestamp,
    j jsonb
);
INSERT INTO typed (i, s, n, v, c, t) VALUES (1.6, 2.4, 3.14159, 'abcd', 'x', 99);
INSERT INTO typed (v) VALUES ('abcde');
INSERT INTO typed (v) VALUES ('abcd    ');
INSERT INTO typed (c) VALUES ('abc');
INSERT INTO typed (i) VALUES ('12');
INSERT INTO typed (i) VALUES ('12.5');
INSERT INTO typed (i) VALUES (true);
INSERT INTO typed (b) VALUES (1);
INSERT INTO typed (b) VALUES ('1');
INSERT INTO typed (d) VALUES ('2024-05-06');
INSERT INTO typed (d) VALUES (timestamp '2024-05-06 12:00');
INSERT INTO typed (ts) VALUES (date '2024-05-07');
INSERT INTO typed (d) VALUES (20240506);
INSERT INTO typed (j) VALUES ('{"k": [1]}');
INSERT INTO typed (j) VALUES ('{"k": }');
INSERT INTO typed (t) VALUES (now()::date > '2000-01-01');
INSERT INTO typed (s) VALUES (100000);
INSERT INTO typed (n) VALUES (9999.999);
INSERT INTO typed (i) VALUES (2147483647.4);
SELECT * FROM typed ORDER BY i NULLS LAST, v NULLS LAST, c NULLS LAST, b NULLS LAST, d NULLS LAST, ts NULLS LAST, j NULLS LAST, t NULLS LAST;
UPDATE typed SET n = '7.777' WHERE i = 2 RETURNING n;
UPDATE typed SET v = 'toolong' WHERE i = 2;
UPDATE typed SET i = 'abc' WHERE i = 2;
SELECT count(*), count(i), count(DISTINCT t) FROM typed;
