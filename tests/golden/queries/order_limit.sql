-- ORDER BY (ASC/DESC, NULLS FIRST/LAST, expressions, ordinals), LIMIT / OFFSET / FETCH FIRST
CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(6, 2), rating int, created date);
INSERT INTO items VALUES
    (1, 'pen', 1.50, 4, '2024-01-05'), (2, 'Pad', 3.00, NULL, '2024-01-01'), (3, 'ink', 1.50, 5, NULL),
    (4, 'apple', 0.75, 2, '2024-01-03'), (5, 'Zebra', 12.00, 4, '2024-01-02'), (6, NULL, 2.25, 1, '2024-01-04'),
    (7, 'ruler', NULL, 3, '2024-01-06'), (8, 'eraser', 0.50, NULL, '2024-01-07');
SELECT id, name FROM items ORDER BY name;
SELECT id, name FROM items ORDER BY name DESC;
SELECT id, name FROM items ORDER BY name NULLS FIRST;
SELECT id, name FROM items ORDER BY name DESC NULLS LAST;
SELECT id, name FROM items ORDER BY lower(name) NULLS LAST;
SELECT id, rating FROM items ORDER BY rating, id;
SELECT id, rating FROM items ORDER BY rating DESC, id;
SELECT id, rating FROM items ORDER BY rating ASC NULLS FIRST, id DESC;
SELECT id, price, rating FROM items ORDER BY price DESC NULLS LAST, rating DESC NULLS LAST, id;
SELECT id, name FROM items ORDER BY 2 NULLS LAST, 1;
SELECT id, price * 2 AS double_price FROM items ORDER BY double_price NULLS FIRST, id;
SELECT id FROM items ORDER BY price + coalesce(rating, 0) DESC NULLS LAST, id;
SELECT id, name FROM items ORDER BY CASE WHEN name IS NULL THEN 0 ELSE 1 END, name;
SELECT id, created FROM items ORDER BY created NULLS FIRST;
SELECT id FROM items ORDER BY rating IS NULL, rating, id;
SELECT name FROM items WHERE name IS NOT NULL ORDER BY length(name), name;
SELECT id, name FROM items ORDER BY name COLLATE "C";
-- LIMIT / OFFSET / FETCH
SELECT id FROM items ORDER BY id LIMIT 3;
SELECT id FROM items ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM items ORDER BY id OFFSET 6;
SELECT id FROM items ORDER BY id OFFSET 100;
SELECT id FROM items ORDER BY id LIMIT 0;
SELECT id FROM items ORDER BY id LIMIT ALL;
SELECT id FROM items ORDER BY id LIMIT NULL;
SELECT id FROM items ORDER BY id FETCH FIRST 2 ROWS ONLY;
SELECT id FROM items ORDER BY id FETCH FIRST ROW ONLY;
SELECT id FROM items ORDER BY id OFFSET 1 ROW FETCH NEXT 2 ROWS ONLY;
SELECT * FROM (SELECT id, rating FROM items ORDER BY rating DESC NULLS LAST FETCH FIRST 2 ROWS WITH TIES) top ORDER BY id;
SELECT id FROM items ORDER BY id LIMIT 2 + 1;
SELECT id FROM items ORDER BY id LIMIT (SELECT count(*) FROM items WHERE rating > 3);
SELECT count(*) FROM (SELECT id FROM items LIMIT 5) s;
SELECT id FROM items ORDER BY id DESC LIMIT 1;
SELECT "items"."id", "items"."name" FROM "items" ORDER BY "items"."id" ASC LIMIT 2 OFFSET 0;
SELECT id FROM items ORDER BY id LIMIT '2';
-- errors
SELECT id FROM items ORDER BY id LIMIT -1;
SELECT id FROM items ORDER BY id OFFSET -1;
SELECT id FROM items ORDER BY 3;
SELECT id FROM items ORDER BY 0;
SELECT id FROM items ORDER BY nope;
SELECT id FROM items LIMIT 'x';
SELECT id FROM items ORDER BY id FETCH FIRST 2 ROWS WITH TIES LIMIT 1;
SELECT id, rating FROM items FETCH FIRST 2 ROWS WITH TIES;
SELECT id FROM items ORDER BY tags;
SELECT id FROM items ORDER BY '{"a":1}'::json;
