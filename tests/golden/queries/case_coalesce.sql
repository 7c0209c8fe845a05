-- CASE, COALESCE, NULLIF, GREATEST, LEAST
CREATE TABLE tickets (id int PRIMARY KEY, priority int, status text, assignee text, due date, estimate numeric(5, 1));
INSERT INTO tickets VALUES (1, 1, 'open', 'ann', '2024-03-01', 2.5), (2, 3, 'closed', NULL, NULL, NULL), (3, NULL, 'open', 'bob', '2024-02-01', 0),
    (4, 2, 'blocked', '', '2024-04-01', 8), (5, 5, NULL, 'cid', NULL, 1.5);
SELECT id, CASE priority WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' ELSE 'unknown' END AS label FROM tickets ORDER BY id;
SELECT id, CASE WHEN priority >= 3 THEN 'urgent' WHEN priority >= 2 THEN 'normal' WHEN priority IS NULL THEN 'unset' END AS bucket FROM tickets ORDER BY id;
SELECT id, CASE status WHEN NULL THEN 'null!' ELSE coalesce(status, 'none') END FROM tickets ORDER BY id;
SELECT CASE WHEN false THEN 1 END, CASE WHEN NULL THEN 1 ELSE 2 END, CASE 1 WHEN 1 THEN 'a' WHEN 1 THEN 'b' END;
SELECT pg_typeof(CASE WHEN true THEN 1 ELSE 2.5 END), pg_typeof(CASE WHEN true THEN 'a' ELSE 'b' END), pg_typeof(CASE WHEN true THEN 1 END), pg_typeof(CASE WHEN true THEN NULL ELSE 1::int8 END);
SELECT CASE WHEN true THEN 1 ELSE 'x' END;
SELECT CASE WHEN true THEN 1 ELSE true END;
SELECT CASE WHEN 1 THEN 'a' END;
SELECT CASE WHEN id = 1 THEN 1 / 1 ELSE 1 / (id - id) END FROM tickets WHERE id = 1;
SELECT id, CASE WHEN estimate > 0 THEN 10 / estimate ELSE 0 END AS speed FROM tickets ORDER BY id;
SELECT sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open, sum(CASE WHEN status <> 'open' THEN 1 ELSE 0 END) AS other, count(*) FILTER (WHERE status IS NULL) AS unknown FROM tickets;
SELECT id FROM tickets ORDER BY CASE status WHEN 'blocked' THEN 0 WHEN 'open' THEN 1 ELSE 2 END, id;
UPDATE tickets SET priority = CASE WHEN priority IS NULL THEN 0 WHEN priority > 4 THEN 4 ELSE priority END RETURNING id, priority;
-- COALESCE
SELECT id, coalesce(assignee, 'unassigned'), coalesce(due, DATE '2099-12-31'), coalesce(estimate, 0) FROM tickets ORDER BY id;
SELECT coalesce(NULL, NULL, 3, 4), coalesce(NULL::text, 'b'), coalesce(1, 1 / 0), pg_typeof(coalesce(1, 2.5)), coalesce(NULL);
SELECT coalesce(1, 'x');
SELECT coalesce('1', 2);
SELECT id, coalesce(nullif(assignee, ''), '(blank)') FROM tickets ORDER BY id;
SELECT coalesce(max(priority), -1), coalesce(sum(estimate), 0) FROM tickets WHERE id > 100;
-- NULLIF
SELECT nullif(1, 1), nullif(1, 2), nullif('a', 'b'), nullif(NULL, 1), nullif(1, NULL), pg_typeof(nullif(1, 2.0));
SELECT 10 / nullif(0, 0), 10 / nullif(5, 0);
SELECT nullif(1, 'a');
SELECT id, nullif(status, 'open') FROM tickets ORDER BY id;
-- GREATEST / LEAST ignore NULLs
SELECT greatest(1, 5, 3), least(1, 5, 3), greatest(1, NULL, 3), least(NULL, NULL::int), greatest('apple', 'banana'), least(date '2024-01-01', '2023-06-01');
SELECT greatest(1, 2.5), pg_typeof(greatest(1, 2.5)), least(1::int2, 2::int8), pg_typeof(least(1::int2, 2::int8));
SELECT greatest(1, 'a');
SELECT id, greatest(priority, 2), least(estimate, 2) FROM tickets ORDER BY id;
-- nested and correlated usage
SELECT id, CASE WHEN EXISTS (SELECT 1 FROM tickets t2 WHERE t2.assignee = t.assignee AND t2.id <> t.id) THEN 'shared' ELSE 'solo' END FROM tickets t ORDER BY id;
SELECT CASE WHEN (SELECT count(*) FROM tickets) > 3 THEN 'many' ELSE 'few' END;
SELECT id, CASE WHEN priority > 2 THEN CASE WHEN due IS NULL THEN 'urgent-nodate' ELSE 'urgent' END ELSE 'later' END FROM tickets ORDER BY id;
