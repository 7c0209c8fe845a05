-- date/time functions with fixed inputs (no dependency on the current time)
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
-- date_trunc
SELECT date_trunc('year', timestamp '2024-07-15 13:45:30.5'), date_trunc('quarter', timestamp '2024-08-15 13:45'), date_trunc('month', timestamp '2024-07-15 13:45');
SELECT date_trunc('week', timestamp '2024-07-17 13:45'), date_trunc('day', timestamp '2024-07-15 13:45'), date_trunc('hour', timestamp '2024-07-15 13:45:30'), date_trunc('minute', timestamp '2024-07-15 13:45:30.9');
SELECT date_trunc('second', timestamp '2024-07-15 13:45:30.987654'), date_trunc('milliseconds', timestamp '2024-07-15 13:45:30.987654'), date_trunc('decade', date '2024-07-15'), date_trunc('century', timestamp '2024-07-15');
SELECT date_trunc('month', date '2024-02-29'), pg_typeof(date_trunc('month', date '2024-02-29')), date_trunc('month', timestamptz '2024-02-29 23:00+00'), date_trunc('day', interval '3 days 04:05');
SELECT date_trunc('fortnight', timestamp '2024-07-15');
SELECT date_trunc('month', timestamptz '2024-03-01 02:00+00', 'America/New_York');
-- extract / date_part
SELECT extract(year FROM timestamp '2024-07-15 13:45:30.5'), extract(month FROM date '2024-07-15'), extract(day FROM date '2024-07-15'), extract(hour FROM timestamp '2024-07-15 13:45'), extract(minute FROM time '13:45:30'), extract(second FROM timestamp '2024-07-15 13:45:30.5');
SELECT extract(dow FROM date '2024-07-14'), extract(isodow FROM date '2024-07-14'), extract(doy FROM date '2024-12-31'), extract(week FROM date '2024-01-01'), extract(isoyear FROM date '2024-12-30'), extract(quarter FROM date '2024-08-01');
SELECT extract(epoch FROM timestamp '1970-01-02 00:00:00'), extract(epoch FROM timestamptz '2024-01-01 00:00:00+00'), extract(epoch FROM interval '1 day 2 hours'), extract(epoch FROM date '2024-01-01');
SELECT extract(millisecond FROM time '10:00:01.5'), extract(microsecond FROM timestamp '2024-01-01 00:00:01.000123'), extract(century FROM date '2024-01-01'), extract(millennium FROM date '2001-01-01'), extract(julian FROM date '2024-01-01');
SELECT extract(timezone FROM timestamptz '2024-01-01 00:00+00'), extract(timezone_hour FROM timestamptz '2024-01-01 00:00+00');
SELECT pg_typeof(extract(year FROM date '2024-01-01')), pg_typeof(date_part('year', date '2024-01-01')), date_part('year', date '2024-01-01'), date_part('month', interval '14 months');
SELECT extract(fortnight FROM date '2024-01-01');
SELECT extract(hour FROM date '2024-01-01');
-- age and differences
SELECT age(timestamp '2024-03-15', timestamp '2000-02-29'), age(date '2024-03-01', date '2024-01-31'), age(timestamp '2024-01-01', timestamp '2024-01-01');
SELECT age(timestamp '2020-01-01 10:00', timestamp '2024-06-15 12:30'), pg_typeof(age(timestamp '2024-01-01', timestamp '2023-01-01'));
SELECT date '2024-03-01' - date '2024-02-01', timestamp '2024-03-01 12:00' - timestamp '2024-02-01', date '2024-03-01' - 30, date '2024-03-01' + interval '1 month 1 day';
SELECT timestamp '2024-01-31 10:00' + interval '1 month', timestamp '2024-03-31' - interval '1 month', timestamp '2023-02-28' + interval '1 year', timestamp '2024-02-29' + interval '4 years';
SELECT interval '1 day' * 7, interval '90 minutes' / 2, 3 * interval '20 minutes', interval '1 month' - interval '1 day';
-- make_* constructors
SELECT make_date(2024, 2, 29), make_time(13, 45, 30.5), make_timestamp(2024, 2, 29, 13, 45, 30.5), make_interval(years => 1, months => 2, days => 3, hours => 4, mins => 5, secs => 6.5);
SELECT make_timestamptz(2024, 7, 1, 12, 0, 0, 'Asia/Tokyo'), make_timestamptz(2024, 7, 1, 12, 0, 0);
SELECT make_date(2023, 2, 29);
SELECT make_date(2024, 13, 1);
SELECT make_time(25, 0, 0);
SELECT make_date(-44, 3, 15);
SELECT make_date(0, 1, 1);
-- to_char / to_date / to_timestamp
SELECT to_char(timestamp '2024-07-05 09:08:07.654', 'YYYY-MM-DD HH24:MI:SS.MS'), to_char(timestamp '2024-07-05 21:08:07', 'DD/MM/YY HH12:MI AM'), to_char(date '2024-07-05', 'Day, DD Month YYYY');
SELECT to_char(date '2024-07-05', 'FMDay FMDD FMMonth'), to_char(date '2024-07-05', 'Dy Mon DDth YYYY'), to_char(date '2024-07-05', 'IYYY-IW-ID'), to_char(date '2024-07-05', 'Q WW DDD J');
SELECT to_char(timestamptz '2024-07-05 09:08:07+00', 'YYYY-MM-DD"T"HH24:MI:SSOF'), to_char(interval '1 day 02:03:04', 'DD HH24:MI:SS'), to_char(time '13:05', 'HH12:MI PM');
SELECT to_char(timestamp '2024-07-05 09:08:07', 'yyyy "year" mm "month"'), to_char(date '2024-01-01', 'day'), to_char(date '2024-12-31', 'MONTH');
SELECT to_date('05 Jul 2024', 'DD Mon YYYY'), to_date('2024-07-05', 'YYYY-MM-DD'), to_date('20240705', 'YYYYMMDD'), to_timestamp('2024-07-05 09:08:07', 'YYYY-MM-DD HH24:MI:SS');
SELECT to_timestamp(1720170487), to_timestamp(0), to_timestamp(1720170487.5), pg_typeof(to_timestamp(0));
SELECT to_date('2024-13-45', 'YYYY-MM-DD');
SELECT to_date('not a date', 'YYYY-MM-DD');
-- AT TIME ZONE and time zone conversions
SELECT timestamp '2024-07-01 12:00' AT TIME ZONE 'UTC', timestamp '2024-07-01 12:00' AT TIME ZONE 'America/New_York', timestamptz '2024-07-01 12:00+00' AT TIME ZONE 'Asia/Kolkata';
SELECT timestamptz '2024-01-15 12:00+00' AT TIME ZONE 'Europe/London', timestamptz '2024-07-15 12:00+00' AT TIME ZONE 'Europe/London', timestamptz '2024-07-15 12:00+00' AT TIME ZONE 'EST', timestamptz '2024-07-15 12:00+00' AT TIME ZONE '+05';
SELECT timestamp '2024-03-10 02:30' AT TIME ZONE 'America/New_York', timestamp '2024-11-03 01:30' AT TIME ZONE 'America/New_York';
SELECT (timestamp '2024-07-01 12:00' AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'America/Los_Angeles';
SELECT time with time zone '10:00+02', time '10:00' AT TIME ZONE 'UTC';
SELECT timestamptz '2024-07-01 12:00+00' AT TIME ZONE 'Nowhere/City';
-- session time zone effects
SET TimeZone = 'America/Sao_Paulo';
SELECT timestamptz '2024-07-01 12:00+00', timestamptz '2024-07-01 12:00+00'::date, timestamptz '2024-07-01 01:00+00'::date, date_trunc('day', timestamptz '2024-07-01 01:00+00');
SELECT extract(hour FROM timestamptz '2024-07-01 12:00+00'), to_char(timestamptz '2024-07-01 12:00+00', 'HH24:MI TZ OF');
SELECT timestamp '2024-07-01 12:00'::timestamptz, date '2024-07-01'::timestamptz;
SET TimeZone = 'UTC';
-- current time functions: only stable properties are checked
SELECT now() > timestamptz '2020-01-01', current_timestamp = now(), transaction_timestamp() = now(), clock_timestamp() >= now(), statement_timestamp() >= now();
SELECT current_date >= date '2020-01-01', current_date = now()::date, localtimestamp <= now()::timestamp + interval '1 second', current_time IS NOT NULL, localtime IS NOT NULL;
SELECT pg_typeof(now()), pg_typeof(current_date), pg_typeof(current_time), pg_typeof(localtime), pg_typeof(localtimestamp), pg_typeof(clock_timestamp()), pg_typeof(timeofday());
SELECT 'now'::timestamptz <= now(), 'today'::date = current_date, 'tomorrow'::date - 'yesterday'::date, 'today'::timestamp = current_date::timestamp;
BEGIN;
SELECT now() = statement_timestamp() OR now() < statement_timestamp();
SELECT now() = transaction_timestamp();
COMMIT;
SELECT pg_typeof(current_timestamp(0)), extract(microsecond FROM current_timestamp(0))::int % 1000000 = 0, abs(extract(epoch FROM current_timestamp(0) - now())) <= 1;
-- misc
SELECT isfinite(date '2024-01-01'), isfinite(timestamp 'infinity'), isfinite(interval '1 day'), date 'infinity' > date '9999-12-31';
SELECT (date '2024-01-01', date '2024-02-01') OVERLAPS (date '2024-01-15', date '2024-03-01'), (date '2024-01-01', interval '1 day') OVERLAPS (date '2024-01-03', date '2024-01-04');
SELECT date_bin(interval '15 minutes', timestamp '2024-07-01 12:07:30', timestamp '2024-01-01'), date_bin(interval '1 day', timestamp '2024-07-01 12:07', timestamp '2000-01-01 06:00');
SELECT justify_days(interval '35 days'), justify_hours(interval '50 hours'), justify_interval(interval '-1 month 45 days');
CREATE TABLE shifts (id int PRIMARY KEY, worker text, starts_at timestamp NOT NULL, ends_at timestamp);
INSERT INTO shifts VALUES (1, 'ann', '2024-07-01 08:00', '2024-07-01 16:30'), (2, 'ann', '2024-07-02 22:00', '2024-07-03 06:00'), (3, 'bob', '2024-07-06 09:15', NULL), (4, 'bob', '2024-07-08 10:00', '2024-07-08 10:45');
SELECT id, ends_at - starts_at AS duration, extract(epoch FROM ends_at - starts_at) / 3600 AS hours FROM shifts ORDER BY id;
SELECT worker, sum(ends_at - starts_at) AS total, count(*) FILTER (WHERE extract(isodow FROM starts_at) >= 6) AS weekend_shifts FROM shifts GROUP BY worker ORDER BY worker;
SELECT date_trunc('week', starts_at)::date AS week, count(*) FROM shifts GROUP BY 1 ORDER BY 1;
SELECT id, to_char(starts_at, 'Dy HH24:MI') FROM shifts WHERE starts_at::date BETWEEN '2024-07-01' AND '2024-07-06' ORDER BY id;
SELECT id FROM shifts WHERE starts_at >= timestamp '2024-07-08' - interval '7 days' AND starts_at < '2024-07-08' ORDER BY id;
SELECT id, coalesce(ends_at, starts_at + interval '8 hours') FROM shifts ORDER BY id;
