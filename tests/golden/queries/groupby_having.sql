-- GROUP BY expressions and ordinals, HAVING, GROUPING SETS / ROLLUP / CUBE
CREATE TABLE orders (
    id int PRIMARY KEY,
    customer text NOT NULL,
    region text,
    product text NOT NULL,
    qty int NOT NULL,
    price numeric(8, 2) NOT NULL,
    ordered_at timestamp NOT NULL
);
INSERT INTO orders VALUES
    (1, 'ann', 'eu', 'apple', 3, 1.00, '2024-01-03 10:00'),
    (2, 'ann', 'eu', 'pear', 1, 2.50, '2024-01-15 12:30'),
    (3, 'bob', 'us', 'apple', 10, 0.90, '2024-01-20 09:00'),
    (4, 'bob', 'us', 'plum', 2, 3.00, '2024-02-01 08:00'),
    (5, 'cid', NULL, 'apple', 1, 1.10, '2024-02-11 18:45'),
    (6, 'ann', 'eu', 'apple', 2, 1.00, '2024-02-12 07:15'),
    (7, 'dee', 'us', 'pear', 4, 2.40, '2024-03-01 23:59'),
    (8, 'cid', NULL, 'plum', 1, 3.20, '2024-03-05 11:11');
SELECT customer, count(*) FROM orders GROUP BY customer ORDER BY customer;
SELECT customer, sum(qty * price) AS revenue FROM orders GROUP BY customer ORDER BY revenue DESC;
SELECT region, count(*) FROM orders GROUP BY region ORDER BY region NULLS FIRST;
SELECT region, product, sum(qty) FROM orders GROUP BY region, product ORDER BY region, product;
SELECT customer, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT product AS p, sum(qty) AS total FROM orders GROUP BY p ORDER BY total DESC, p;
SELECT date_trunc('month', ordered_at) AS month, count(*), sum(qty) FROM orders GROUP BY date_trunc('month', ordered_at) ORDER BY month;
SELECT date_trunc('month', ordered_at) AS month, count(*) FROM orders GROUP BY 1 ORDER BY 1;
SELECT extract(month FROM ordered_at) AS m, count(*) FROM orders GROUP BY m ORDER BY m;
SELECT qty > 2 AS big, count(*) FROM orders GROUP BY qty > 2 ORDER BY big;
SELECT lower(left(customer, 1)) AS initial, count(*) FROM orders GROUP BY lower(left(customer, 1)) ORDER BY initial;
SELECT customer, region FROM orders GROUP BY customer, region ORDER BY customer;
SELECT count(*) FROM orders GROUP BY product HAVING count(*) > 2;
-- HAVING
SELECT customer, sum(qty) FROM orders GROUP BY customer HAVING sum(qty) > 3 ORDER BY customer;
SELECT customer, count(*) FROM orders GROUP BY customer HAVING count(*) >= 2 AND max(price) > 1 ORDER BY customer;
SELECT product, avg(price) FROM orders GROUP BY product HAVING avg(price) BETWEEN 1 AND 3 ORDER BY product;
SELECT region FROM orders GROUP BY region HAVING region IS NOT NULL ORDER BY region;
SELECT count(*) FROM orders HAVING count(*) > 5;
SELECT count(*) FROM orders HAVING count(*) > 50;
SELECT 1 AS x HAVING true;
SELECT customer, sum(qty) FROM orders GROUP BY customer HAVING sum(qty) > (SELECT avg(qty) * 2 FROM orders) ORDER BY customer;
-- grouping by primary key allows other columns (functional dependency)
CREATE TABLE customers (name text PRIMARY KEY, tier text);
INSERT INTO customers VALUES ('ann', 'gold'), ('bob', 'silver'), ('cid', 'gold'), ('dee', NULL);
SELECT c.name, c.tier, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer = c.name GROUP BY c.name ORDER BY c.name;
SELECT c.tier, count(o.id) FROM customers c JOIN orders o ON o.customer = c.name GROUP BY c.tier ORDER BY c.tier NULLS LAST;
-- GROUPING SETS, ROLLUP, CUBE
SELECT region, product, sum(qty) FROM orders GROUP BY GROUPING SETS ((region), (product), ()) ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, sum(qty), grouping(region, product) FROM orders GROUP BY ROLLUP (region, product) ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, count(*), grouping(region) AS gr, grouping(product) AS gp FROM orders GROUP BY CUBE (region, product) ORDER BY gr, gp, region NULLS LAST, product NULLS LAST;
SELECT customer, sum(qty) FROM orders GROUP BY ROLLUP (customer) ORDER BY customer NULLS LAST;
SELECT COALESCE(region, 'ALL') AS region, sum(qty * price) FROM orders WHERE region IS NOT NULL GROUP BY ROLLUP (region) ORDER BY 1;
SELECT region, product, sum(qty) FROM orders GROUP BY region, ROLLUP (product) ORDER BY region NULLS LAST, product NULLS LAST;
SELECT product, count(*) FROM orders GROUP BY GROUPING SETS (product, ()) HAVING count(*) > 2 ORDER BY product NULLS FIRST;
-- errors
SELECT customer, qty FROM orders GROUP BY customer;
SELECT customer FROM orders GROUP BY 5;
SELECT customer FROM orders GROUP BY 0;
SELECT customer, count(*) FROM orders GROUP BY customer HAVING qty > 1;
SELECT product FROM orders GROUP BY nope;
SELECT customer FROM orders GROUP BY count(*);
SELECT region, sum(qty) FROM orders GROUP BY ROLLUP (region) HAVING grouping(product) = 0;
SELECT count(*) FROM orders WHERE count(*) > 1;
