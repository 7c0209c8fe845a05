-- WITH (non-recursive common table expressions)
CREATE TABLE events (id int PRIMARY KEY, user_id int NOT NULL, kind text NOT NULL, amount numeric(8, 2), at date NOT NULL);
INSERT INTO events VALUES
    (1, 1, 'signup', NULL, '2024-01-01'), (2, 1, 'purchase', 20.00, '2024-01-03'), (3, 2, 'signup', NULL, '2024-01-02'),
    (4, 1, 'purchase', 5.50, '2024-01-09'), (5, 3, 'signup', NULL, '2024-01-10'), (6, 2, 'purchase', 99.99, '2024-01-11'),
    (7, 3, 'refund', -5.00, '2024-01-12'), (8, 2, 'purchase', 1.00, '2024-02-01');
WITH purchases AS (SELECT user_id, sum(amount) AS total FROM events WHERE kind = 'purchase' GROUP BY user_id)
SELECT user_id, total FROM purchases ORDER BY user_id;
WITH purchases AS (SELECT user_id, sum(amount) AS total FROM events WHERE kind = 'purchase' GROUP BY user_id),
     big AS (SELECT user_id FROM purchases WHERE total > 50)
SELECT e.user_id, e.kind FROM events e JOIN big USING (user_id) ORDER BY e.id;
WITH t (a, b) AS (VALUES (1, 'x'), (2, 'y')) SELECT b, a FROM t ORDER BY a;
WITH t AS (SELECT 1 AS x) SELECT * FROM t, t AS t2;
WITH signups AS (SELECT user_id, at FROM events WHERE kind = 'signup'),
     first_purchase AS (SELECT user_id, min(at) AS at FROM events WHERE kind = 'purchase' GROUP BY user_id)
SELECT s.user_id, f.at - s.at AS days_to_purchase FROM signups s LEFT JOIN first_purchase f USING (user_id) ORDER BY s.user_id;
WITH x AS MATERIALIZED (SELECT id FROM events WHERE id < 4) SELECT count(*) FROM x;
WITH x AS NOT MATERIALIZED (SELECT id FROM events WHERE id < 4) SELECT count(*) FROM x WHERE id > 1;
WITH monthly AS (SELECT date_trunc('month', at)::date AS month, sum(amount) AS revenue FROM events WHERE amount > 0 GROUP BY 1)
SELECT month, revenue, revenue - lag(revenue) OVER (ORDER BY month) AS change FROM monthly ORDER BY month;
-- CTE scoping and shadowing
WITH events AS (SELECT 42 AS id) SELECT * FROM events;
WITH a AS (SELECT 1 AS v), b AS (SELECT v + 1 AS v FROM a) SELECT * FROM b;
WITH b AS (SELECT v FROM a), a AS (SELECT 1 AS v) SELECT * FROM b;
WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a;
SELECT * FROM (WITH inner_cte AS (SELECT 5 AS five) SELECT five FROM inner_cte) sub;
WITH x AS (SELECT 1 AS n) SELECT (WITH y AS (SELECT n + 1 AS m FROM x) SELECT m FROM y);
-- data-modifying CTEs
CREATE TABLE archive (LIKE events);
WITH moved AS (DELETE FROM events WHERE at < '2024-01-05' RETURNING *)
INSERT INTO archive SELECT * FROM moved;
SELECT count(*) FROM events;
SELECT id FROM archive ORDER BY id;
WITH upd AS (UPDATE events SET amount = amount * 2 WHERE kind = 'purchase' RETURNING id, amount)
SELECT count(*), sum(amount) FROM upd;
WITH ins AS (INSERT INTO events VALUES (9, 4, 'signup', NULL, '2024-03-01') RETURNING id, user_id)
SELECT ins.id, ins.user_id, (SELECT count(*) FROM events) AS count_before FROM ins;
SELECT count(*) FROM events;
WITH d AS (DELETE FROM archive RETURNING id) SELECT array_agg(id ORDER BY id) FROM d;
WITH new_user AS (INSERT INTO events (id, user_id, kind, at) VALUES (10, 5, 'signup', '2024-03-02') RETURNING user_id)
INSERT INTO events (id, user_id, kind, amount, at) SELECT 11, user_id, 'purchase', 10, '2024-03-02' FROM new_user RETURNING id, user_id, kind;
-- errors
WITH t AS (SELECT 1) SELECT nope FROM t;
WITH t(a, b) AS (SELECT 1) SELECT * FROM t;
WITH t AS (SELECT 1) SELECT * FROM s;
WITH t AS (UPDATE nope SET x = 1) SELECT 1;
