-- real (float4) and double precision (float8)
SELECT 1.5::float8, 1.5::real, 0.1::float8, 0.1::float4, 1e300::float8, 1e-300::float8;
SELECT 0.1::float8 + 0.2::float8, 1.0::float8 / 3, 1.0::float4 / 3;
SELECT pg_typeof(1.5::float8), pg_typeof(1.5::real), pg_typeof(1.5::double precision), pg_typeof(1.5::float);
SELECT pg_typeof(1.5::float(24)), pg_typeof(1.5::float(25));
SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, 'inf'::float4, '-inf'::real;
SELECT '  3.25  '::float8, '1e3'::float8, '-0'::float8, '.5'::float8, '5.'::float8;
SELECT 123456789012345678::float8, 1234567.0::float4, 0.000001::float8, 1e16::float8, 1e15::float8;
SELECT 3.141592653589793::float8, 2.718281828::real;
SELECT 'abc'::float8;
SELECT '1e400'::float8;
SELECT '1e40'::float4;
SELECT ''::real;
SELECT 1e308::float8 * 10;
SELECT 1::float8 / 0;
SELECT 0::float8 / 0;
SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 'Infinity'::float8, '-0'::float8 = 0::float8;
SELECT 'Infinity'::float8 + 1, 'Infinity'::float8 - 'Infinity'::float8;
-- conversions
SELECT 1.5::float8::numeric, 0.1::float4::float8, 1e20::float8::numeric, 'NaN'::float8::numeric;
SELECT 'Infinity'::float8::numeric;
SELECT 2.5::float8::int, 3.5::float8::int, -2.5::float8::int, 1e10::float8::bigint;
SELECT 1e10::float8::int;
SELECT 42::float8, 42::int::real, (1::float8 / 3)::text, (2::float4 / 3)::text;
SELECT round(2.5::float8), round(3.5::float8), round(-2.5::float8), trunc(2.7::float8), ceil(-0.5::float8);
SELECT sqrt(2::float8), cbrt(27::float8), power(2::float8, 0.5), exp(1::float8), ln(10::float8);
SELECT 5.0::float8 % 3;
-- columns
CREATE TABLE measurements (
    id int PRIMARY KEY,
    sensor text NOT NULL,
    reading double precision,
    approx real
);
INSERT INTO measurements VALUES (1, 'a', 20.5, 20.5), (2, 'a', 21.25, 21.25), (3, 'b', -3.75, -3.75), (4, 'b', 'NaN', 'Infinity'), (5, 'c', NULL, 0.1);
SELECT * FROM measurements ORDER BY id;
SELECT sensor, avg(reading), sum(approx), pg_typeof(avg(approx)), pg_typeof(sum(approx)) FROM measurements GROUP BY sensor ORDER BY sensor;
SELECT id FROM measurements ORDER BY reading DESC NULLS LAST, id;
SELECT id, reading FROM measurements WHERE reading > 21;
SELECT max(reading), min(reading), count(reading) FROM measurements;
SELECT stddev(reading), variance(reading) FROM measurements WHERE sensor = 'a';
UPDATE measurements SET reading = reading * 2 WHERE sensor = 'a' RETURNING id, reading;
SELECT id, reading::numeric(10, 1) FROM measurements WHERE sensor = 'a' ORDER BY id;
