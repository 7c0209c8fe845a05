-- integer types: smallint (int2), integer (int4), bigint (int8)
SELECT 1, -1, 0, 2147483647, 2147483648, -2147483648, 9223372036854775807;
SELECT pg_typeof(1), pg_typeof(2147483648), pg_typeof(9223372036854775808);
SELECT 32767::smallint, (-32768)::int2, 2147483647::int4, (-9223372036854775808)::int8;
SELECT '  42  '::int, '+7'::integer, '-0'::int, '007'::bigint;
SELECT CAST('123' AS smallint), CAST(123 AS bigint), CAST('-5' AS int8);
-- overflow and invalid input
SELECT 32768::smallint;
SELECT '32768'::int2;
SELECT 2147483648::int;
SELECT '9223372036854775808'::bigint;
SELECT 'abc'::int;
SELECT '12.5'::integer;
SELECT ''::int;
SELECT '1e3'::int;
SELECT '1_000'::int;
-- casts from float/numeric round half away from zero (numeric) / to even (float)
SELECT 2.5::int, 3.5::int, (-2.5)::int, 2.5::float8::int, 3.5::float8::int, 2.4999::int;
SELECT 1e10::bigint, 12345.678::int;
SELECT 1e10::int;
SELECT 'NaN'::float8::int;
-- arithmetic and result types
SELECT 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7 % -3;
SELECT 2 ^ 10, pg_typeof(2 ^ 10);
SELECT 1::int2 + 1::int2, pg_typeof(1::int2 + 1::int2), pg_typeof(1::int2 + 1), pg_typeof(1 + 1::int8);
SELECT 10 / 4.0, pg_typeof(10 / 4.0), 10::float8 / 4, pg_typeof(10::float8 / 4);
SELECT 2147483647 + 1;
SELECT 2147483647::bigint + 1;
SELECT (-32768)::int2 * (-1)::int2;
SELECT 9223372036854775807 + 1;
SELECT (-2147483648) / (-1);
SELECT 1 / 0;
SELECT 1 % 0;
SELECT 5::int8 / 0::int8;
SELECT abs(-5), abs((-5)::int8), @ -3, -(-3);
SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 2;
SELECT 10 > 9, 10::int2 = 10::int8, 3 BETWEEN 1 AND 5;
-- integer columns
CREATE TABLE counters (
    id bigint PRIMARY KEY,
    small smallint,
    medium integer,
    big bigint
);
INSERT INTO counters VALUES (1, 1, 100, 10000000000), (2, -32768, -2147483648, -9223372036854775808), (3, NULL, 0, 0);
INSERT INTO counters VALUES (4, 40000, 1, 1);
INSERT INTO counters (id, medium) VALUES (5, '77');
INSERT INTO counters (id, medium) VALUES (6, 'seventy');
INSERT INTO counters (id, medium) VALUES (7, 12.7);
SELECT * FROM counters ORDER BY id;
SELECT sum(small), sum(medium), sum(big), pg_typeof(sum(small)), pg_typeof(sum(medium)), pg_typeof(sum(big)) FROM counters;
SELECT avg(medium), pg_typeof(avg(medium)) FROM counters;
UPDATE counters SET medium = medium + 1 WHERE id = 2 RETURNING medium;
UPDATE counters SET small = small - 1 WHERE id = 2;
SELECT id FROM counters WHERE big > 5000000000;
SELECT id, medium::text || '!' AS label FROM counters WHERE id IN (1, 3) ORDER BY id;
SELECT max(id), min(id), count(big) FROM counters;
