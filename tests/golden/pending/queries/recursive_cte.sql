-- WITH RECURSIVE
WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 10) SELECT n FROM nums ORDER BY n;
WITH RECURSIVE nums AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM nums WHERE n < 5) SELECT sum(n), count(*) FROM nums;
WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0::numeric, 1::numeric UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 90) SELECT i, a FROM fib WHERE i IN (1, 2, 10, 50, 90) ORDER BY i;
WITH RECURSIVE dates(d) AS (SELECT date '2024-02-26' UNION ALL SELECT d + 1 FROM dates WHERE d < '2024-03-02') SELECT d, to_char(d, 'Dy') FROM dates ORDER BY d;
-- trees
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories (id), name text NOT NULL);
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'books'), (3, 1, 'music'), (4, 2, 'fiction'), (5, 2, 'science'), (6, 4, 'sf'), (7, 3, 'jazz'), (8, NULL, 'orphan root');
WITH RECURSIVE tree AS (
    SELECT id, parent_id, name, 0 AS depth, name::text AS path FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.parent_id, c.name, t.depth + 1, t.path || ' > ' || c.name FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT id, depth, path FROM tree ORDER BY path;
WITH RECURSIVE ancestors AS (
    SELECT id, parent_id, name FROM categories WHERE id = 6
    UNION ALL
    SELECT c.id, c.parent_id, c.name FROM categories c JOIN ancestors a ON c.id = a.parent_id
)
SELECT string_agg(name, ' / ' ORDER BY id) FROM ancestors;
WITH RECURSIVE subtree AS (
    SELECT id FROM categories WHERE id = 2
    UNION
    SELECT c.id FROM categories c JOIN subtree s ON c.parent_id = s.id
)
SELECT count(*), array_agg(id ORDER BY id) FROM subtree;
WITH RECURSIVE tree AS (
    SELECT id, ARRAY[id] AS trail FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, t.trail || c.id FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT id, trail FROM tree ORDER BY trail;
-- graphs with cycles: UNION stops, cycle detection by path
CREATE TABLE edges (src int, dst int);
INSERT INTO edges VALUES (1, 2), (2, 3), (3, 1), (3, 4);
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.node) SELECT node FROM reach ORDER BY node;
WITH RECURSIVE walk(node, path, cycle) AS (
    SELECT 1, ARRAY[1], false
    UNION ALL
    SELECT e.dst, w.path || e.dst, e.dst = ANY(w.path) FROM edges e JOIN walk w ON e.src = w.node WHERE NOT w.cycle
)
SELECT node, path, cycle FROM walk ORDER BY path;
WITH RECURSIVE walk(node) AS (SELECT 1 UNION ALL SELECT e.dst FROM edges e JOIN walk w ON e.src = w.node)
    CYCLE node SET is_cycle USING path
SELECT node, is_cycle, path FROM walk ORDER BY path;
WITH RECURSIVE search_tree(id, name) AS (
    SELECT id, name FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.name FROM categories c JOIN search_tree s ON c.parent_id = s.id
) SEARCH DEPTH FIRST BY id SET ordercol
SELECT id, name FROM search_tree ORDER BY ordercol;
WITH RECURSIVE search_tree(id, name) AS (
    SELECT id, name FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.name FROM categories c JOIN search_tree s ON c.parent_id = s.id
) SEARCH BREADTH FIRST BY id SET ordercol
SELECT id, name FROM search_tree ORDER BY ordercol;
-- recursive CTE used with other CTEs and in DML
WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 3), doubled AS (SELECT n * 2 AS d FROM nums) SELECT array_agg(d ORDER BY d) FROM doubled;
CREATE TABLE seq_table (n int);
INSERT INTO seq_table WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) SELECT n FROM s;
SELECT count(*), sum(n) FROM seq_table;
DELETE FROM categories WHERE id IN (WITH RECURSIVE sub AS (SELECT id FROM categories WHERE id = 3 UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub ORDER BY id DESC) RETURNING id;
-- errors
WITH RECURSIVE bad(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM bad, bad b2) SELECT * FROM bad;
WITH RECURSIVE bad(n) AS (SELECT n FROM bad) SELECT * FROM bad;
WITH RECURSIVE bad(n) AS (SELECT 1 UNION ALL SELECT 'x' FROM bad) SELECT * FROM bad;
WITH RECURSIVE bad(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM bad) SELECT * FROM bad;
WITH RECURSIVE t(n) AS (SELECT 1::int UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n, pg_typeof(n) FROM t ORDER BY n;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM t) SELECT n FROM t LIMIT 5;
