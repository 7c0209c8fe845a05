-- date, time, timestamp (without time zone); DateStyle ISO, MDY
SET DateStyle = 'ISO, MDY';
SELECT '2024-02-29'::date, 'February 29, 2024'::date, '20240229'::date, '2024-2-9'::date;
SELECT date '2023-12-31', DATE '1999-01-08', pg_typeof(date '2000-01-01');
SELECT '01/02/2024'::date;
SELECT '2023-02-29'::date;
SELECT '2024-13-01'::date;
SELECT 'yesterdayish'::date;
SELECT 'infinity'::date, '-infinity'::date, '4713-01-01 BC'::date, '5874897-12-31'::date;
SELECT '2024-03-10'::date + 1, '2024-03-10'::date - 1, '2024-03-10'::date - '2024-01-01'::date;
SELECT pg_typeof('2024-03-10'::date - '2024-01-01'::date), pg_typeof('2024-03-10'::date + 1);
SELECT '2024-01-31'::date + interval '1 month', pg_typeof('2024-01-31'::date + interval '1 month');
SELECT '2024-03-10'::date + time '10:30', '2024-03-10'::date < '2024-03-11'::date;
SELECT '12:34:56'::time, '12:34:56.789'::time, '23:59:59.999999'::time, '24:00:00'::time, time '07:05';
SELECT '12:34:56.7891234'::time, '12:34:56.78'::time(1), '1:2:3 PM'::time;
SELECT '25:00:00'::time;
SELECT '12:60:00'::time;
SELECT time '10:00' + interval '3 hours', time '10:00' - time '08:30', time '23:00' + interval '2 hours';
SELECT '2024-03-10 14:30:00'::timestamp, '2024-03-10T14:30:00.123456'::timestamp, '2024-03-10'::timestamp;
SELECT timestamp '2024-03-10 14:30:00.5', '2024-03-10 14:30:00.1234567'::timestamp, '2024-03-10 14:30:00.555'::timestamp(2);
SELECT '2024-03-10 14:30:00+02'::timestamp, 'Jan 5 2024 3:04:05 PM'::timestamp;
SELECT '2024-03-10 25:00'::timestamp;
SELECT 'infinity'::timestamp, '-infinity'::timestamp, 'epoch'::timestamp;
SELECT '2024-03-10 14:30'::timestamp + interval '1 day 2 hours', '2024-03-10 14:30'::timestamp - interval '90 minutes';
SELECT '2024-03-10 14:30'::timestamp - '2024-03-01 12:00'::timestamp, pg_typeof('2024-03-10'::timestamp - '2024-03-01'::timestamp);
SELECT '2024-03-10'::date::timestamp, '2024-03-10 23:59'::timestamp::date, '2024-03-10 23:59:30'::timestamp::time;
SELECT CAST('2024-03-10 14:30' AS timestamp(0)), CAST(timestamp '2024-03-10 14:30:59.9' AS timestamp(0));
SELECT '2024-03-10'::date = '2024-03-10 00:00'::timestamp, '2024-03-10'::date < '2024-03-10 00:00:01'::timestamp;
SELECT '2024-03-10'::text::date, 20240310::text::date;
SELECT 20240310::date;
SELECT '2024-03-10'::date + '2024-03-10'::date;
SET DateStyle = 'ISO, DMY';
SELECT '01/02/2024'::date;
SET DateStyle = 'SQL, MDY';
SELECT '2024-02-01'::date, '2024-02-01 10:00'::timestamp;
SET DateStyle = 'German';
SELECT '2024-02-01'::date;
RESET DateStyle;
SHOW DateStyle;
CREATE TABLE events (
    id int PRIMARY KEY,
    title text NOT NULL,
    event_date date NOT NULL,
    starts_at time,
    created_at timestamp NOT NULL DEFAULT '2024-01-01 00:00:00'
);
INSERT INTO events (id, title, event_date, starts_at) VALUES (1, 'Kickoff', '2024-01-15', '09:00'), (2, 'Review', '2024-02-29', '14:30:15'), (3, 'Retro', '2024-03-01', NULL);
INSERT INTO events (id, title, event_date, created_at) VALUES (4, 'Launch', '2024-04-01', '2024-03-31 23:59:59.999');
INSERT INTO events (id, title, event_date) VALUES (5, 'Bad', '2024-02-30');
SELECT * FROM events ORDER BY event_date;
SELECT id, event_date + starts_at AS starts FROM events ORDER BY id;
SELECT title FROM events WHERE event_date BETWEEN '2024-02-01' AND '2024-03-01' ORDER BY event_date;
SELECT title FROM events WHERE created_at >= '2024-03-31' ORDER BY id;
SELECT min(event_date), max(event_date), max(starts_at), max(event_date) - min(event_date) AS span FROM events;
UPDATE events SET event_date = event_date + 7 WHERE id = 1 RETURNING event_date;
SELECT extract(year FROM event_date), extract(dow FROM event_date), extract(doy FROM event_date) FROM events WHERE id = 2;
