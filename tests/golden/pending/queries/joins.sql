-- INNER / LEFT / RIGHT / FULL / CROSS joins, USING, NATURAL, LATERAL
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, city text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric(8, 2), placed date);
CREATE TABLE order_items (order_id int, sku text, qty int, PRIMARY KEY (order_id, sku));
INSERT INTO customers VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome'), (3, 'Cid', NULL), (4, 'Dee', 'Oslo');
INSERT INTO orders VALUES (10, 1, 50.00, '2024-01-05'), (11, 1, 20.00, '2024-01-07'), (12, 2, 75.50, '2024-02-01'), (13, NULL, 5.00, '2024-02-02'), (14, 99, 1.00, '2024-02-03');
INSERT INTO order_items VALUES (10, 'A', 1), (10, 'B', 2), (11, 'A', 5), (12, 'C', 1), (13, 'A', 1);
SELECT c.name, o.id, o.total FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.id;
SELECT c.name, o.id FROM customers c INNER JOIN orders o ON o.customer_id = c.id AND o.total > 30 ORDER BY o.id;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c LEFT OUTER JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL ORDER BY c.id;
SELECT c.name, o.id FROM customers c RIGHT JOIN orders o ON o.customer_id = c.id ORDER BY o.id;
SELECT c.name, o.id FROM customers c FULL JOIN orders o ON o.customer_id = c.id ORDER BY c.id NULLS LAST, o.id NULLS LAST;
SELECT c.name, o.id FROM customers c FULL OUTER JOIN orders o ON o.customer_id = c.id WHERE c.id IS NULL OR o.id IS NULL ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c CROSS JOIN orders o WHERE o.id = 10 ORDER BY c.id;
SELECT count(*) FROM customers, orders;
SELECT count(*) FROM customers c, orders o WHERE o.customer_id = c.id;
-- LEFT JOIN with conditions in ON vs WHERE
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.placed >= '2024-02-01' ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.placed >= '2024-02-01' ORDER BY c.id, o.id;
-- three-way joins
SELECT c.name, o.id, i.sku, i.qty FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id ORDER BY o.id, i.sku;
SELECT c.name, count(i.sku) AS items FROM customers c LEFT JOIN orders o ON o.customer_id = c.id LEFT JOIN order_items i ON i.order_id = o.id GROUP BY c.id, c.name ORDER BY c.id;
SELECT o.id, i.sku FROM orders o LEFT JOIN (order_items i JOIN orders o2 ON o2.id = i.order_id AND o2.total > 30) ON i.order_id = o.id ORDER BY o.id, i.sku;
-- USING and NATURAL
CREATE TABLE a (k int, v text);
CREATE TABLE b (k int, w text);
INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (NULL, 'anull');
INSERT INTO b VALUES (2, 'b2'), (3, 'b3'), (NULL, 'bnull');
SELECT * FROM a JOIN b USING (k);
SELECT k, v, w FROM a FULL JOIN b USING (k) ORDER BY k NULLS LAST, v NULLS LAST, w NULLS LAST;
SELECT * FROM a LEFT JOIN b USING (k) ORDER BY v;
SELECT a.k, b.k FROM a JOIN b USING (k);
SELECT * FROM a NATURAL JOIN b;
CREATE TABLE c (k int, v text);
INSERT INTO c VALUES (1, 'a1'), (2, 'zz');
SELECT * FROM a NATURAL JOIN c;
SELECT * FROM a NATURAL LEFT JOIN c ORDER BY v;
SELECT * FROM a JOIN c USING (k, v);
SELECT * FROM a JOIN b USING (v);
SELECT * FROM a JOIN b USING (k) AS j WHERE j.k = 2;
-- NULL keys never match
SELECT count(*) FROM a JOIN b ON a.k = b.k;
SELECT count(*) FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k;
-- self join
CREATE TABLE staff (id int PRIMARY KEY, name text, manager_id int);
INSERT INTO staff VALUES (1, 'boss', NULL), (2, 'mid', 1), (3, 'junior', 2), (4, 'intern', 2);
SELECT s.name AS employee, m.name AS manager FROM staff s LEFT JOIN staff m ON m.id = s.manager_id ORDER BY s.id;
SELECT m.name, count(s.id) AS reports FROM staff m LEFT JOIN staff s ON s.manager_id = m.id GROUP BY m.id, m.name ORDER BY m.id;
-- non-equi joins
SELECT o1.id, o2.id FROM orders o1 JOIN orders o2 ON o1.total < o2.total AND o1.customer_id = o2.customer_id ORDER BY o1.id, o2.id;
SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id BETWEEN c.id AND c.id + 1 ORDER BY c.id, o.id;
-- LATERAL
SELECT c.name, last_order.id, last_order.total FROM customers c
    LEFT JOIN LATERAL (SELECT id, total FROM orders o WHERE o.customer_id = c.id ORDER BY placed DESC LIMIT 1) last_order ON true
    ORDER BY c.id;
SELECT c.name, x.n FROM customers c, LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) x ORDER BY c.id;
SELECT c.name, x.n FROM customers c CROSS JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) x WHERE x.n > 0 ORDER BY c.id;
SELECT c.name, g FROM customers c, LATERAL generate_series(1, c.id) g WHERE c.id <= 2 ORDER BY c.id, g;
SELECT c.name, x.n FROM customers c, (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) x;
-- joining subqueries and VALUES
SELECT v.code, c.name FROM (VALUES (1, 'x'), (3, 'y'), (7, 'z')) AS v(id, code) LEFT JOIN customers c ON c.id = v.id ORDER BY v.id;
SELECT c.name, t.total FROM customers c JOIN (SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id) t ON t.customer_id = c.id ORDER BY c.id;
-- errors
SELECT * FROM customers c JOIN orders o;
SELECT * FROM customers JOIN orders ON customer_id = id;
SELECT * FROM customers c JOIN orders o ON c.id = o.nope;
SELECT * FROM customers c JOIN orders o ON o.customer_id = c.name;
SELECT * FROM customers c JOIN orders c ON true;
SELECT * FROM customers c JOIN orders o USING (nope);
SELECT name FROM customers c JOIN staff s ON s.id = c.id;
SELECT * FROM customers c JOIN orders o ON c.id = o.customer_id + 'x';
