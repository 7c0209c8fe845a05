-- numeric / decimal with precision and scale
SELECT 1.5, 0.1 + 0.2, 1.10, 100.000, pg_typeof(1.5), pg_typeof(0.1 + 0.2);
SELECT 12.345::numeric(5, 2), 12.344::numeric(5, 2), -12.345::numeric(5, 2), 0.005::numeric(3, 2);
SELECT 123.45::numeric(5, 0), 99.994::numeric(4, 2);
SELECT 99.995::numeric(4, 2);
SELECT 12345.6::numeric(5, 1);
SELECT 1000::numeric(3);
SELECT '  3.140  '::numeric, '1e5'::numeric, '-1.5E-3'::numeric, '.5'::decimal, 'NaN'::numeric;
SELECT '1.2.3'::numeric;
SELECT 'abc'::decimal;
SELECT 'Infinity'::numeric, '-Infinity'::numeric;
SELECT CAST(1 AS numeric(10, 4)), CAST('2.5' AS decimal(4, 2)), 7::decimal;
SELECT 10.0 / 3, 1 / 3::numeric, 2::numeric / 3, 1.000 / 7;
SELECT 1.0 / 0;
SELECT 0.0 / 0.0;
SELECT 10.5 % 3, -10.5 % 3, mod(10.5, 3);
SELECT 1.5 * 2.25, 1.5 + 2, 1.5 - 2.75, -(1.5);
SELECT 2.0 ^ 10, 2 ^ 0.5::numeric, 1.5 ^ 2;
SELECT 0.1::numeric + 0.2::numeric = 0.3::numeric, 1.0 = 1.00, 1.10 > 1.1;
SELECT 12345678901234567890123456789.123456789 * 1000000;
SELECT round(2.5), round(3.5), round(-2.5), round(2.567, 2), round(1234.5, -2), round(2.5, 0);
SELECT trunc(2.567, 2), trunc(-2.567, 1), trunc(1234.5, -2), ceil(2.1), floor(-2.1), ceil(-2.9);
SELECT scale(12.345), scale(1.0), sign(-3.5), abs(-3.50);
SELECT 1.5::int, 2.5::bigint, 1.999::smallint, 1234.5678::float8, 1234.5678::real;
SELECT 99999::numeric::smallint;
SELECT 1e-5::numeric::float8, 12345678901234567890::numeric::float8;
SELECT 3::numeric / 1.5, pg_typeof(3::numeric / 1.5), pg_typeof(1 + 1.5), pg_typeof(1::int8 * 1.5);
SELECT pg_typeof(1.5::numeric(5, 2)), pg_typeof(1.5::numeric + 1::float8);
SELECT sum(x), avg(x), pg_typeof(sum(x)), pg_typeof(avg(x)) FROM (VALUES (1.5), (2.25), (3.125)) v(x);
SELECT avg(x) FROM (VALUES (1), (2), (2)) v(x);
SELECT avg(x)::numeric(10, 2), round(avg(x), 3) FROM (VALUES (1), (2), (2)) v(x);
-- money-like columns
CREATE TABLE invoices (
    id int PRIMARY KEY,
    amount numeric(12, 2) NOT NULL,
    tax_rate decimal(5, 4) DEFAULT 0.2000,
    discount numeric
);
INSERT INTO invoices (id, amount, discount) VALUES (1, 100, NULL), (2, 19.999, 0.5), (3, '0.004', 10), (4, 1234567890.12, 0.333333333333);
INSERT INTO invoices (id, amount) VALUES (5, 12345678901.5);
INSERT INTO invoices (id, amount, tax_rate) VALUES (6, 1, 10);
SELECT * FROM invoices ORDER BY id;
SELECT id, amount * tax_rate AS tax, amount * (1 + tax_rate) AS total FROM invoices ORDER BY id;
SELECT id, round(amount * tax_rate, 2) AS tax, pg_typeof(amount * tax_rate) FROM invoices ORDER BY id;
SELECT sum(amount), avg(amount), max(amount), min(discount) FROM invoices;
SELECT id FROM invoices WHERE amount BETWEEN 10 AND 200 ORDER BY id;
UPDATE invoices SET amount = amount * 1.105 WHERE id = 1 RETURNING amount;
SELECT amount::text, amount::int, amount::float8 FROM invoices WHERE id = 2;
SELECT to_char(amount, 'FM999,999,999,990.00') FROM invoices ORDER BY id;
SELECT 'NaN'::numeric > 1e1000, 'NaN'::numeric = 'NaN'::numeric;
