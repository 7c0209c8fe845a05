-- timestamp with time zone: stored as UTC, displayed in the session TimeZone
SET TimeZone = 'UTC';
SHOW TimeZone;
SELECT '2024-03-10 14:30:00+00'::timestamptz, '2024-03-10 14:30:00+02'::timestamptz, '2024-03-10 14:30:00 America/New_York'::timestamptz;
SELECT '2024-03-10 14:30:00'::timestamptz, timestamptz '2024-03-10 14:30:00.123456-05:30', '2024-03-10T14:30:00Z'::timestamptz;
SELECT pg_typeof('2024-03-10 14:30:00+00'::timestamptz), pg_typeof('2024-03-10'::timestamp with time zone);
SELECT 'infinity'::timestamptz, 'epoch'::timestamptz;
SELECT '2024-03-10 14:30:00 Mars/Olympus'::timestamptz;
SET TimeZone = 'America/New_York';
SHOW TimeZone;
SELECT '2024-03-10 14:30:00+00'::timestamptz, '2024-01-10 14:30:00+00'::timestamptz;
SELECT '2024-03-10 01:30:00'::timestamptz, '2024-03-10 03:30:00'::timestamptz, '2024-03-10 02:30:00'::timestamptz;
SELECT '2024-03-10 00:00:00'::timestamptz + interval '1 day', '2024-03-10 00:00:00'::timestamptz + interval '24 hours';
SELECT '2024-11-03 00:00'::timestamptz + interval '1 day' - '2024-11-03 00:00'::timestamptz;
SELECT '2024-03-10 14:30:00'::timestamptz::timestamp, '2024-03-10 14:30:00'::timestamp::timestamptz;
SELECT '2024-03-10 14:30:00+00'::timestamptz::date, '2024-03-10 02:30:00+00'::timestamptz::date;
SET TIME ZONE 'Europe/Berlin';
SELECT '2024-07-01 12:00:00+00'::timestamptz, '2024-12-01 12:00:00+00'::timestamptz;
SET TIME ZONE 'Asia/Kolkata';
SELECT '2024-07-01 12:00:00+00'::timestamptz;
SET TIME ZONE '+03:00';
SHOW TimeZone;
SELECT '2024-07-01 12:00:00+00'::timestamptz;
SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE;
SELECT '2024-07-01 12:00:00+00'::timestamptz;
SET TIME ZONE LOCAL;
SET TimeZone = 'UTC';
SET TimeZone = 'Nowhere/Special';
-- AT TIME ZONE converts between the two timestamp types
SELECT timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE 'America/Los_Angeles';
SELECT timestamp '2024-07-01 12:00:00' AT TIME ZONE 'America/Los_Angeles';
SELECT pg_typeof(timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE 'UTC'), pg_typeof(timestamp '2024-07-01 12:00' AT TIME ZONE 'UTC');
SELECT timestamp '2024-07-01 12:00:00' AT TIME ZONE 'Asia/Tokyo' AT TIME ZONE 'Europe/London';
SELECT timezone('Asia/Tokyo', timestamptz '2024-01-01 00:00:00+00');
SELECT '2024-07-01 12:00:00+00'::timestamptz = '2024-07-01 14:00:00+02'::timestamptz;
SELECT '2024-07-01 12:00:00+00'::timestamptz - '2024-06-30 12:00:00+00'::timestamptz;
SELECT now() >= '2020-01-01'::timestamptz, pg_typeof(now()), pg_typeof(current_timestamp), pg_typeof(localtimestamp), pg_typeof(current_date);
SELECT now() = current_timestamp, now() - now(), current_date <= now()::date + 1;
SELECT date_trunc('day', timestamptz '2024-07-01 22:30:00+00'), date_trunc('day', timestamptz '2024-07-01 22:30:00+00', 'Asia/Tokyo');
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    action text NOT NULL,
    occurred_at timestamptz NOT NULL
);
INSERT INTO audit_log (action, occurred_at) VALUES ('login', '2024-05-01 08:00:00+00'), ('logout', '2024-05-01 17:30:00+02'), ('login', '2024-05-02 09:15:00-07');
SELECT id, action, occurred_at FROM audit_log ORDER BY occurred_at;
SET TimeZone = 'America/Chicago';
SELECT id, action, occurred_at FROM audit_log ORDER BY occurred_at;
SELECT id, occurred_at::date AS local_day FROM audit_log ORDER BY id;
SELECT action, count(*) FROM audit_log WHERE occurred_at >= '2024-05-01 12:00:00+00' GROUP BY action;
SELECT max(occurred_at) - min(occurred_at) FROM audit_log;
SELECT to_char(occurred_at, 'YYYY-MM-DD HH24:MI TZ') FROM audit_log ORDER BY id;
RESET TimeZone;
SET TimeZone = 'UTC';
SELECT extract(epoch FROM timestamptz '2024-01-01 00:00:00+00'), to_timestamp(1704067200), to_timestamp(0.5);
