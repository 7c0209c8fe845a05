-- subqueries: scalar, IN / NOT IN with NULLs, EXISTS, ANY / ALL, correlated, derived tables
CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL, country text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, title text NOT NULL, year int, pages int);
INSERT INTO authors VALUES (1, 'Le Guin', 'US'), (2, 'Lem', 'PL'), (3, 'Butler', 'US'), (4, 'Nobody', NULL);
INSERT INTO books VALUES
    (10, 1, 'The Dispossessed', 1974, 387),
    (11, 1, 'The Left Hand of Darkness', 1969, 304),
    (12, 2, 'Solaris', 1961, 204),
    (13, 2, 'The Cyberiad', 1965, 295),
    (14, 3, 'Kindred', 1979, 264),
    (15, NULL, 'Anonymous Tales', NULL, 100);
-- scalar subqueries
SELECT title, (SELECT name FROM authors a WHERE a.id = b.author_id) AS author FROM books b ORDER BY id;
SELECT name, (SELECT count(*) FROM books b WHERE b.author_id = a.id) AS n_books FROM authors a ORDER BY id;
SELECT name, (SELECT max(year) FROM books b WHERE b.author_id = a.id) AS latest FROM authors a ORDER BY latest DESC NULLS LAST, id;
SELECT (SELECT 1 WHERE false) IS NULL AS empty_is_null;
SELECT (SELECT title FROM books);
SELECT (SELECT id, title FROM books WHERE id = 10);
SELECT title FROM books WHERE pages > (SELECT avg(pages) FROM books) ORDER BY id;
SELECT title FROM books b WHERE pages = (SELECT max(pages) FROM books b2 WHERE b2.author_id = b.author_id) ORDER BY id;
-- IN / NOT IN
SELECT name FROM authors WHERE id IN (SELECT author_id FROM books) ORDER BY id;
SELECT name FROM authors WHERE id NOT IN (SELECT author_id FROM books) ORDER BY id;
SELECT name FROM authors WHERE id NOT IN (SELECT author_id FROM books WHERE author_id IS NOT NULL) ORDER BY id;
SELECT name FROM authors WHERE country IN ('US', NULL) ORDER BY id;
SELECT name FROM authors WHERE country NOT IN ('US', NULL) ORDER BY id;
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), 1 NOT IN (1, NULL), NULL IN (1, 2), NULL NOT IN (SELECT 1 WHERE false);
SELECT 1 IN (SELECT 1 WHERE false), 1 NOT IN (SELECT 1 WHERE false);
SELECT (1, 2) IN (SELECT 1, 2), (1, 3) IN ((1, 2), (1, 3)), (1, NULL) IN ((1, 2));
SELECT title FROM books WHERE (author_id, year) IN (SELECT 1, 1969 UNION ALL SELECT 2, 1961) ORDER BY id;
SELECT name FROM authors WHERE id IN (SELECT author_id, year FROM books);
-- EXISTS / NOT EXISTS
SELECT name FROM authors a WHERE EXISTS (SELECT 1 FROM books b WHERE b.author_id = a.id) ORDER BY id;
SELECT name FROM authors a WHERE NOT EXISTS (SELECT 1 FROM books b WHERE b.author_id = a.id) ORDER BY id;
SELECT name FROM authors a WHERE EXISTS (SELECT * FROM books b WHERE b.author_id = a.id AND b.year < 1965) ORDER BY id;
SELECT EXISTS (SELECT 1 FROM books WHERE year > 2000), NOT EXISTS (SELECT NULL);
SELECT name FROM authors a WHERE EXISTS (SELECT NULL) ORDER BY id;
-- ANY / SOME / ALL with subqueries
SELECT title FROM books WHERE pages > ALL (SELECT pages FROM books WHERE author_id = 2) ORDER BY id;
SELECT title FROM books WHERE pages > ANY (SELECT pages FROM books WHERE author_id = 3) ORDER BY id;
SELECT title FROM books WHERE year = SOME (SELECT year FROM books WHERE author_id = 1) ORDER BY id;
SELECT title FROM books WHERE pages < ALL (SELECT pages FROM books WHERE author_id = 99) ORDER BY id;
SELECT 5 > ALL (SELECT x FROM (VALUES (1), (NULL)) v(x)), 5 > ANY (SELECT x FROM (VALUES (1), (NULL)) v(x)), 0 > ANY (SELECT x FROM (VALUES (1), (NULL)) v(x));
SELECT title FROM books WHERE author_id = ANY (ARRAY[1, 3]) ORDER BY id;
SELECT title FROM books WHERE author_id <> ALL (ARRAY[1, 3]) ORDER BY id;
-- derived tables
SELECT t.author_id, t.n FROM (SELECT author_id, count(*) AS n FROM books GROUP BY author_id) t WHERE t.n > 1 ORDER BY t.author_id;
SELECT avg(n) FROM (SELECT count(*) AS n FROM books GROUP BY author_id) per_author;
SELECT * FROM (SELECT id, title FROM books ORDER BY pages DESC LIMIT 2) top ORDER BY id;
SELECT x.a + x.b FROM (SELECT 1 AS a, 2 AS b) x;
SELECT * FROM (SELECT 1) AS unnamed_column;
SELECT * FROM (SELECT 1, 2) AS t(x);
SELECT * FROM (SELECT 1);
-- correlated subqueries in different clauses
SELECT a.name FROM authors a ORDER BY (SELECT count(*) FROM books b WHERE b.author_id = a.id) DESC, a.id;
SELECT a.country, (SELECT string_agg(title, '; ' ORDER BY year) FROM books b JOIN authors x ON x.id = b.author_id WHERE x.country = a.country) FROM authors a WHERE country IS NOT NULL GROUP BY a.country ORDER BY a.country;
SELECT b.title FROM books b WHERE b.year > (SELECT min(b2.year) FROM books b2 WHERE b2.author_id = b.author_id) ORDER BY id;
UPDATE books b SET pages = pages + 1 WHERE EXISTS (SELECT 1 FROM authors a WHERE a.id = b.author_id AND a.country = 'PL') RETURNING id, pages;
DELETE FROM books WHERE author_id NOT IN (SELECT id FROM authors) RETURNING id;
DELETE FROM books WHERE author_id IS NULL RETURNING id;
-- subquery errors
SELECT * FROM books WHERE author_id IN (SELECT nope FROM authors);
SELECT (SELECT x) FROM books;
SELECT name FROM authors WHERE id = (SELECT author_id FROM books);
SELECT name FROM authors WHERE id IN (SELECT name FROM authors);
