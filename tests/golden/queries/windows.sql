-- window functions
CREATE TABLE scores (id int PRIMARY KEY, player text NOT NULL, team text NOT NULL, points int, played date NOT NULL);
INSERT INTO scores VALUES
    (1, 'ann', 'red', 10, '2024-01-01'), (2, 'bob', 'red', 20, '2024-01-02'), (3, 'cid', 'blue', 20, '2024-01-03'),
    (4, 'dee', 'blue', 5, '2024-01-04'), (5, 'eve', 'red', 20, '2024-01-05'), (6, 'fay', 'blue', NULL, '2024-01-06'),
    (7, 'gus', 'green', 15, '2024-01-07');
SELECT id, player, row_number() OVER (ORDER BY id) FROM scores ORDER BY id;
SELECT id, team, row_number() OVER (PARTITION BY team ORDER BY id) AS rn FROM scores ORDER BY team, rn;
SELECT id, points, rank() OVER (ORDER BY points DESC NULLS LAST), dense_rank() OVER (ORDER BY points DESC NULLS LAST), row_number() OVER (ORDER BY points DESC NULLS LAST, id) FROM scores ORDER BY id;
SELECT id, points, percent_rank() OVER (ORDER BY points), cume_dist() OVER (ORDER BY points) FROM scores ORDER BY id;
SELECT id, ntile(3) OVER (ORDER BY id), ntile(2) OVER (PARTITION BY team ORDER BY id) FROM scores ORDER BY id;
SELECT id, points, lag(points) OVER (ORDER BY id), lead(points) OVER (ORDER BY id), lag(points, 2, -1) OVER (ORDER BY id), lead(player, 1, 'none') OVER (ORDER BY id) FROM scores ORDER BY id;
SELECT id, team, first_value(player) OVER (PARTITION BY team ORDER BY id), last_value(player) OVER (PARTITION BY team ORDER BY id) FROM scores ORDER BY id;
SELECT id, team, last_value(player) OVER (PARTITION BY team ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(player, 2) OVER (PARTITION BY team ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM scores ORDER BY id;
-- aggregates as window functions
SELECT id, team, points, sum(points) OVER (PARTITION BY team) AS team_total, count(*) OVER () AS n, avg(points) OVER (PARTITION BY team) FROM scores ORDER BY id;
SELECT id, points, sum(points) OVER (ORDER BY id) AS running, count(points) OVER (ORDER BY id) AS running_count FROM scores ORDER BY id;
SELECT id, points, sum(points) OVER (ORDER BY points) AS range_default FROM scores ORDER BY id;
SELECT id, points, sum(points) OVER (ORDER BY points, id ROWS UNBOUNDED PRECEDING) FROM scores ORDER BY points NULLS FIRST, id;
SELECT id, points, sum(points) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS moving, avg(points) OVER (ORDER BY id ROWS 2 PRECEDING) AS avg3 FROM scores ORDER BY id;
SELECT id, points, sum(points) OVER (ORDER BY points RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) FROM scores ORDER BY id;
SELECT id, played, count(*) OVER (ORDER BY played RANGE BETWEEN INTERVAL '2 days' PRECEDING AND CURRENT ROW) FROM scores ORDER BY id;
SELECT id, points, sum(points) OVER (ORDER BY points GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM scores ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM scores ORDER BY id;
SELECT id, max(points) OVER w, min(points) OVER w FROM scores WINDOW w AS (PARTITION BY team) ORDER BY id;
SELECT id, rank() OVER w, sum(points) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM scores WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT id, count(*) FILTER (WHERE points > 10) OVER (ORDER BY id) FROM scores ORDER BY id;
SELECT id, string_agg(player, ',') OVER (PARTITION BY team ORDER BY id) FROM scores ORDER BY id;
SELECT id, array_agg(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM scores ORDER BY id;
-- windows over grouped results, in subqueries, top-N per group
SELECT team, sum(points) AS total, rank() OVER (ORDER BY sum(points) DESC) FROM scores GROUP BY team ORDER BY team;
SELECT team, sum(points), sum(sum(points)) OVER () AS grand_total, round(100.0 * sum(points) / sum(sum(points)) OVER (), 1) AS pct FROM scores GROUP BY team ORDER BY team;
SELECT * FROM (SELECT id, team, points, row_number() OVER (PARTITION BY team ORDER BY points DESC NULLS LAST, id) AS rn FROM scores) ranked WHERE rn = 1 ORDER BY team;
SELECT id, points - avg(points) OVER (PARTITION BY team) AS diff FROM scores WHERE team = 'red' ORDER BY id;
SELECT id, row_number() OVER () IS NOT NULL FROM scores ORDER BY id;
SELECT row_number() OVER (ORDER BY id) AS rn, player FROM scores ORDER BY rn DESC LIMIT 3;
SELECT id, first_value(points) OVER (ORDER BY points NULLS FIRST, id), last_value(points) OVER (ORDER BY id RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM scores ORDER BY id;
SELECT pg_typeof(row_number() OVER ()), pg_typeof(rank() OVER ()), pg_typeof(ntile(2) OVER ()), pg_typeof(percent_rank() OVER ()), pg_typeof(sum(points) OVER ()) FROM scores LIMIT 1;
-- errors
SELECT id FROM scores WHERE row_number() OVER (ORDER BY id) = 1;
SELECT id, sum(points) OVER w FROM scores;
SELECT id, ntile(0) OVER (ORDER BY id) FROM scores;
SELECT id, lag(points, -1) OVER (ORDER BY id) FROM scores ORDER BY id;
SELECT team, row_number() OVER (ORDER BY id) FROM scores GROUP BY team;
SELECT id, sum(points) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM scores;
SELECT id, nth_value(player, 0) OVER (ORDER BY id) FROM scores;
SELECT id, row_number(id) OVER () FROM scores;
SELECT id, sum(points) OVER (ORDER BY player RANGE 5 PRECEDING) FROM scores;
SELECT count(*) OVER (ORDER BY id) FROM scores GROUP BY team;
