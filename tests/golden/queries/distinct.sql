-- DISTINCT and DISTINCT ON
CREATE TABLE visits (id int PRIMARY KEY, user_id int, page text, visited_at timestamp NOT NULL, device text);
INSERT INTO visits VALUES
    (1, 1, '/home', '2024-01-01 10:00', 'web'), (2, 1, '/docs', '2024-01-01 10:05', 'web'), (3, 2, '/home', '2024-01-01 11:00', 'ios'),
    (4, 1, '/home', '2024-01-02 09:00', 'ios'), (5, 3, '/pricing', '2024-01-02 12:00', NULL), (6, 2, '/docs', '2024-01-03 08:00', 'ios'),
    (7, NULL, '/home', '2024-01-03 09:00', 'web'), (8, 3, '/pricing', '2024-01-04 12:00', NULL);
SELECT DISTINCT page FROM visits ORDER BY page;
SELECT DISTINCT user_id FROM visits ORDER BY user_id NULLS FIRST;
SELECT DISTINCT device FROM visits;
SELECT DISTINCT user_id, device FROM visits ORDER BY user_id NULLS LAST, device NULLS LAST;
SELECT DISTINCT page, device FROM visits WHERE user_id = 3;
SELECT count(DISTINCT page), count(DISTINCT device), count(DISTINCT (user_id, device)) FROM visits;
SELECT DISTINCT ON (user_id) user_id, page, visited_at FROM visits ORDER BY user_id, visited_at DESC;
SELECT DISTINCT ON (user_id) user_id, page FROM visits WHERE user_id IS NOT NULL ORDER BY user_id, visited_at;
SELECT DISTINCT ON (page) page, user_id, visited_at FROM visits ORDER BY page, visited_at DESC;
SELECT DISTINCT ON (device) device, id FROM visits ORDER BY device NULLS FIRST, id;
SELECT DISTINCT ON (date_trunc('day', visited_at)) date_trunc('day', visited_at) AS day, page FROM visits ORDER BY date_trunc('day', visited_at), visited_at;
SELECT DISTINCT ON (user_id, device) user_id, device, id FROM visits ORDER BY user_id NULLS LAST, device NULLS LAST, id DESC;
SELECT DISTINCT 1, 2 FROM visits;
SELECT count(DISTINCT x), count(x) FROM (VALUES (1.0), (1.00), (2)) v(x);
SELECT DISTINCT x FROM (VALUES ('a'), ('A'), ('a ')) v(x) ORDER BY x;
SELECT DISTINCT x FROM (VALUES ('{"a": 1, "b": 2}'::jsonb), ('{"b": 2, "a": 1}'::jsonb)) v(x);
SELECT DISTINCT x FROM (VALUES (ARRAY[1, 2]), (ARRAY[1, 2]), (ARRAY[2, 1])) v(x) ORDER BY x;
SELECT DISTINCT x FROM (VALUES (NULL::int), (NULL), (1)) v(x) ORDER BY x;
SELECT DISTINCT x FROM (VALUES ('NaN'::float8), ('NaN'), (0.0), (0)) v(x) ORDER BY x;
SELECT count(DISTINCT x) FROM (VALUES (0.0::float8), ('-0')) v(x);
SELECT ALL page FROM visits WHERE user_id = 1 ORDER BY id;
SELECT DISTINCT page FROM visits ORDER BY visited_at;
SELECT DISTINCT ON (user_id) user_id, page FROM visits ORDER BY page;
SELECT DISTINCT x FROM (VALUES ('{"a":1}'::json)) v(x);
