-- aggregate functions, DISTINCT, ORDER BY, FILTER and result types
CREATE TABLE sales (
    id int PRIMARY KEY,
    region text,
    rep text,
    amount int,
    price numeric(8, 2),
    ratio float8,
    closed boolean,
    tags text[],
    meta jsonb,
    sold_on date
);
INSERT INTO sales VALUES
    (1, 'north', 'ann', 100, 10.50, 0.5, true, '{a,b}', '{"k": 1}', '2024-01-01'),
    (2, 'north', 'bob', 200, 20.25, 0.25, false, '{b}', '{"k": 2}', '2024-01-02'),
    (3, 'south', 'ann', 150, NULL, NULL, true, '{}', NULL, '2024-01-02'),
    (4, 'south', 'cid', NULL, 5.00, 1.5, NULL, NULL, '{"k": 3}', '2024-01-03'),
    (5, 'east', 'dee', 50, 7.75, 0.125, true, '{c}', '{"k": 4}', NULL),
    (6, NULL, 'ann', 25, 1.00, 2.0, false, '{a}', '{"z": 0}', '2024-01-05');
SELECT count(*), count(amount), count(region), count(DISTINCT rep), count(DISTINCT region) FROM sales;
SELECT sum(amount), avg(amount), min(amount), max(amount) FROM sales;
SELECT pg_typeof(sum(amount)), pg_typeof(avg(amount)), pg_typeof(sum(amount::int8)), pg_typeof(avg(amount::int8)), pg_typeof(sum(amount::int2)), pg_typeof(avg(amount::int2)) FROM sales;
SELECT sum(price), avg(price), pg_typeof(sum(price)), pg_typeof(avg(price)), max(price), pg_typeof(max(price)) FROM sales;
SELECT sum(ratio), avg(ratio), pg_typeof(sum(ratio)), pg_typeof(sum(ratio::real)), pg_typeof(avg(ratio::real)) FROM sales;
SELECT count(*), sum(amount), avg(amount), max(amount), bool_and(closed), string_agg(rep, ','), array_agg(id) FROM sales WHERE false;
SELECT min(rep), max(rep), min(sold_on), max(sold_on), min(region), max(region) FROM sales;
SELECT bool_and(closed), bool_or(closed), every(closed), bool_and(closed) FILTER (WHERE region = 'north') FROM sales;
SELECT string_agg(rep, ', ' ORDER BY id), string_agg(DISTINCT rep, '|' ORDER BY rep), string_agg(region, '-' ORDER BY region DESC NULLS LAST) FROM sales;
SELECT array_agg(amount ORDER BY id), array_agg(DISTINCT rep ORDER BY rep), array_agg(amount ORDER BY amount NULLS FIRST) FROM sales;
SELECT array_agg(tags ORDER BY id) FILTER (WHERE tags IS NOT NULL AND cardinality(tags) > 0) FROM sales;
SELECT array_agg(ARRAY[id, amount] ORDER BY id) FILTER (WHERE id < 3), array_agg(tags ORDER BY id) FILTER (WHERE cardinality(tags) = 1) FROM sales;
SELECT json_agg(rep ORDER BY id), jsonb_agg(amount ORDER BY id), json_agg(DISTINCT region ORDER BY region) FROM sales;
SELECT jsonb_agg(meta ORDER BY id) FILTER (WHERE meta ? 'k'), jsonb_object_agg(rep, amount ORDER BY id) FILTER (WHERE id <= 2) FROM sales;
SELECT json_object_agg(id, rep ORDER BY id), jsonb_object_agg(rep, id ORDER BY id) FROM sales;
SELECT jsonb_agg(s ORDER BY s.id) FROM (SELECT id, rep FROM sales WHERE id < 3) s;
SELECT jsonb_object_agg(region, amount) FROM sales;
SELECT count(*) FILTER (WHERE closed), count(*) FILTER (WHERE NOT closed), count(*) FILTER (WHERE closed IS NULL), sum(amount) FILTER (WHERE region = 'south') FROM sales;
SELECT count(DISTINCT amount) FILTER (WHERE amount > 50), avg(DISTINCT amount), sum(DISTINCT amount) FROM sales;
SELECT sum(amount) + 1, round(avg(amount), 2), max(amount) - min(amount), count(*)::float / 4 FROM sales;
SELECT stddev(amount), stddev_pop(amount), variance(amount), var_pop(amount) FROM sales;
SELECT round(stddev_samp(ratio)::numeric, 6), round(corr(amount, ratio)::numeric, 6), round(covar_pop(amount, ratio)::numeric, 6) FROM sales;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount), percentile_disc(0.5) WITHIN GROUP (ORDER BY amount), mode() WITHIN GROUP (ORDER BY rep) FROM sales;
SELECT percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY amount) FROM sales;
SELECT bit_and(amount), bit_or(amount), max(tags), min(meta::text) FROM sales;
-- aggregates over expressions and with CASE
SELECT sum(CASE WHEN closed THEN amount ELSE 0 END) AS won, sum(CASE WHEN closed THEN 0 ELSE amount END) AS lost FROM sales;
SELECT count(CASE WHEN amount > 100 THEN 1 END), count(NULLIF(region, 'north')) FROM sales;
SELECT sum(amount * price), avg(amount::numeric / 3) FROM sales;
SELECT max(length(rep)), min(upper(rep)), sum(cardinality(tags)) FROM sales;
-- integer overflow and result types
SELECT sum(x) FROM (VALUES (2147483647), (2147483647)) v(x);
SELECT sum(x::int8) FROM (VALUES (9223372036854775807), (1)) v(x);
SELECT avg(x) FROM (VALUES (1::int8), (2::int8)) v(x);
SELECT avg(x), sum(x) FROM (VALUES (1.5::float4), (2.25::float4)) v(x);
SELECT sum(x), avg(x) FROM (VALUES (interval '1 hour'), (interval '3 hours')) v(x);
SELECT max(x), min(x) FROM (VALUES (ARRAY[1, 2]), (ARRAY[1, 3])) v(x);
SELECT count(x) FROM (VALUES (NULL::int), (NULL)) v(x);
SELECT sum(x), avg(x), max(x) FROM (VALUES (NULL::int), (NULL)) v(x);
-- errors
SELECT sum(rep) FROM sales;
SELECT avg(closed) FROM sales;
SELECT max(meta) FROM sales;
SELECT sum(amount) FROM sales WHERE sum(amount) > 0;
SELECT sum(sum(amount)) FROM sales;
SELECT id, count(*) FROM sales;
SELECT count(DISTINCT) FROM sales;
SELECT string_agg(rep) FROM sales;
SELECT string_agg(id, ',') FROM sales;
SELECT percentile_cont(amount) FROM sales;
SELECT count(*) FILTER (WHERE amount) FROM sales;
SELECT nosuchagg(amount) FROM sales;
