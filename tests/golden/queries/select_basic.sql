-- SELECT basics: targets, aliases, WHERE, expressions, column names and types
CREATE TABLE products (
    id int PRIMARY KEY,
    name text NOT NULL,
    category text,
    price numeric(8, 2),
    stock int,
    released date
);
INSERT INTO products VALUES
    (1, 'Widget', 'tools', 9.99, 100, '2023-01-10'),
    (2, 'Gadget', 'tools', 24.50, 0, '2023-06-01'),
    (3, 'Doohickey', 'misc', 4.25, 12, NULL),
    (4, 'Gizmo', NULL, 99.00, 3, '2024-02-29'),
    (5, 'Thingamajig', 'misc', NULL, NULL, '2022-12-31');
SELECT 1;
SELECT 1 AS one, 'two' AS "Two", 3.0 three, NULL AS nothing;
SELECT 1 + 2 * 3, (1 + 2) * 3, 2 ^ 3 ^ 2, -2 ^ 2, 10 - 2 - 3, 7 / 2 * 2;
SELECT * FROM products ORDER BY id;
SELECT id, name FROM products WHERE id = 3;
SELECT products.id, products.name FROM products WHERE products.price > 20 ORDER BY products.id;
SELECT p.id, p.name AS product_name FROM products p WHERE p.category = 'misc' ORDER BY p.id;
SELECT p.* FROM products AS p WHERE p.stock = 0;
SELECT name, price * stock AS inventory_value FROM products ORDER BY id;
SELECT name, price, stock FROM products WHERE price > 5 AND stock > 0 ORDER BY id;
SELECT name FROM products WHERE price < 5 OR stock IS NULL ORDER BY id;
SELECT name FROM products WHERE NOT (price > 20) ORDER BY id;
SELECT name FROM products WHERE category IN ('tools', 'misc') ORDER BY id;
SELECT name FROM products WHERE id NOT IN (1, 2, 3) ORDER BY id;
SELECT name FROM products WHERE price BETWEEN 5 AND 25 ORDER BY id;
SELECT name FROM products WHERE price NOT BETWEEN 5 AND 25 ORDER BY id;
SELECT name FROM products WHERE released BETWEEN '2023-01-01' AND '2023-12-31' ORDER BY id;
SELECT name FROM products WHERE price BETWEEN SYMMETRIC 25 AND 5 ORDER BY id;
SELECT name FROM products WHERE released > DATE '2023-03-01' ORDER BY released;
SELECT name, category IS NULL AS uncategorized FROM products ORDER BY id;
SELECT count(*) FROM products WHERE true;
SELECT count(*) FROM products WHERE false;
SELECT count(*) FROM products WHERE NULL;
SELECT name FROM products WHERE stock;
SELECT id, name, price FROM products WHERE id = '2';
SELECT id FROM products WHERE id = 2.0;
SELECT id FROM products WHERE price = 9.99;
SELECT id FROM products WHERE name = 'widget';
-- SELECT without FROM, VALUES lists
SELECT 'a' || 'b', upper('x'), 2 > 1, NULL IS NULL;
VALUES (1, 'one'), (2, 'two'), (3, NULL);
SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(num, word) ORDER BY num DESC;
SELECT column1, column2 FROM (VALUES (1, 2.5), (3, 4)) v;
SELECT pg_typeof(column1), pg_typeof(column2) FROM (VALUES (1, 2.5), (3, 4)) v LIMIT 1;
VALUES (1), ('a');
VALUES (1, 2), (3);
SELECT x FROM (VALUES (1), (NULL), (3)) t(x) WHERE x > 1;
-- column naming rules
SELECT count(*), max(id), lower(name), name::varchar(3), CAST(id AS text), id + 1, products.id FROM products WHERE id = 1 GROUP BY id, name;
SELECT CASE WHEN true THEN 1 END, COALESCE(NULL, 1), NULLIF(1, 2), GREATEST(1, 2), ARRAY[1], ROW(1, 2), EXISTS (SELECT 1);
SELECT (SELECT 1), (SELECT max(id) FROM products) AS mx, 1::text, 'x'::text AS t;
-- table-less expressions and functions in WHERE
SELECT name FROM products WHERE length(name) > 6 ORDER BY name;
SELECT name FROM products WHERE lower(name) LIKE 'g%' ORDER BY name;
SELECT name, price FROM products WHERE price = (SELECT max(price) FROM products);
-- TABLE and SELECT INTO
TABLE products ORDER BY id LIMIT 2;
SELECT id, name INTO cheap_products FROM products WHERE price < 10;
SELECT * FROM cheap_products ORDER BY id;
-- errors
SELECT nope FROM products;
SELECT * FROM nope;
SELECT id FROM products, products;
SELECT products.id FROM products p;
SELECT p.nope FROM products p;
SELECT id FROM products WHERE price > 'expensive';
SELECT name FROM products WHERE id;
SELECT FROM products WHERE id = 1;
SELECT;
