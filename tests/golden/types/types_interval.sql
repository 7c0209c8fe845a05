-- interval input and output (IntervalStyle postgres)
SELECT interval '1 day', interval '2 hours 30 minutes', interval '1 year 2 months 3 days 04:05:06.5';
SELECT '1 week'::interval, '90 minutes'::interval, '-1 day'::interval, '1.5 days'::interval, '36 hours'::interval;
SELECT 'P1Y2M3DT4H5M6S'::interval, '@ 1 hour ago'::interval, '1-2'::interval, '3 4:05:06'::interval;
SELECT interval '1' day, interval '90' minute, interval '1:30' hour to minute, interval '2 years' year;
SELECT pg_typeof(interval '1 day'), '00:00:00'::interval, '0'::interval;
SELECT 'one day'::interval;
SELECT '1 fortnight'::interval;
SELECT interval '1 day' + interval '3 hours', interval '1 day' - interval '25 hours', interval '1 hour' * 2.5, interval '1 day' / 3;
SELECT interval '1 month' = interval '30 days', interval '1 day' = interval '24 hours', interval '1 day' > interval '23 hours';
SELECT -interval '1 day 2 hours', interval '1 day' * -1;
SELECT justify_hours(interval '36 hours'), justify_days(interval '45 days'), justify_interval(interval '1 month -1 hour');
SELECT extract(epoch FROM interval '1 day 1 hour'), extract(hour FROM interval '26 hours'), extract(day FROM interval '45 days');
SELECT date_part('minute', interval '1 hour 25 minutes'), extract(month FROM interval '14 months'), extract(year FROM interval '14 months');
SELECT interval '1 hour 30 minutes 45.123456 seconds', interval '0.000001 seconds', interval '100000 hours';
SELECT make_interval(days => 10), make_interval(1, 2, 3, 4, 5, 6, 7.5), make_interval(hours => -3);
SELECT sum(d), avg(d), max(d), min(d) FROM (VALUES (interval '1 hour'), (interval '90 minutes'), (interval '1 day')) v(d);
SELECT interval '1 day' / 0;
SELECT '2024-01-31'::date + interval '1 month', '2024-02-29'::timestamp + interval '1 year', '2024-03-31'::timestamp - interval '1 month';
SELECT age(timestamp '2024-03-15', timestamp '2023-01-20'), age(timestamp '2024-03-01', timestamp '2024-02-29 12:00');
SELECT (interval '3 days')::text, interval '5 minutes'::time, time '10:30'::interval;
SELECT interval '1 year 2 months'::text, CAST('2 days' AS interval) + '1 hour';
SET IntervalStyle = 'iso_8601';
SELECT interval '1 year 2 months 3 days 04:05:06';
SET IntervalStyle = 'sql_standard';
SELECT interval '1 year 2 months', interval '3 days 04:05:06';
SET IntervalStyle = 'postgres_verbose';
SELECT interval '1 year 2 months 3 days 04:05:06', interval '-1 hour';
RESET IntervalStyle;
CREATE TABLE subscriptions (
    id int PRIMARY KEY,
    plan text NOT NULL,
    billing_period interval NOT NULL DEFAULT '1 month',
    trial interval
);
INSERT INTO subscriptions VALUES (1, 'monthly', DEFAULT, '14 days'), (2, 'yearly', '1 year', NULL), (3, 'weekly', '7 days', '2 days 12 hours');
SELECT * FROM subscriptions ORDER BY billing_period;
SELECT id, timestamp '2024-01-31 10:00' + billing_period AS next_bill FROM subscriptions ORDER BY id;
SELECT plan FROM subscriptions WHERE trial > interval '3 days';
SELECT sum(trial), max(billing_period) FROM subscriptions;
