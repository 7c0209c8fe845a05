-- INSERT forms and their command tags
CREATE TABLE authors (
    id serial PRIMARY KEY,
    name text NOT NULL,
    country char(2),
    born int
);
INSERT INTO authors (name, country, born) VALUES ('Ursula K. Le Guin', 'US', 1929);
INSERT INTO authors (name, country, born) VALUES ('Stanislaw Lem', 'PL', 1921), ('Octavia Butler', 'US', 1947), ('Liu Cixin', 'CN', 1963);
INSERT INTO authors VALUES (DEFAULT, 'Iain Banks', 'GB', 1954);
INSERT INTO authors (name) VALUES ('Anonymous');
INSERT INTO authors DEFAULT VALUES;
INSERT INTO authors (name, born) VALUES ('Too', 'many', 'values');
INSERT INTO authors (name, born) VALUES ('Too few');
INSERT INTO authors (name, nope) VALUES ('x', 1);
INSERT INTO authors (name, name) VALUES ('x', 'y');
INSERT INTO no_table VALUES (1);
SELECT * FROM authors ORDER BY id;
-- INSERT ... SELECT
CREATE TABLE us_authors (id int PRIMARY KEY, name text, born int);
INSERT INTO us_authors SELECT id, name, born FROM authors WHERE country = 'US';
INSERT INTO us_authors (id, name) SELECT id + 100, upper(name) FROM authors WHERE country = 'US' ORDER BY id;
INSERT INTO us_authors SELECT id, name FROM authors WHERE false;
SELECT * FROM us_authors ORDER BY id;
INSERT INTO us_authors (id, name, born) SELECT g, 'gen ' || g, 2000 + g FROM generate_series(200, 204) AS g;
SELECT count(*), min(id), max(id) FROM us_authors WHERE id >= 200;
INSERT INTO us_authors (id, name) VALUES (300, 'v1'), (301, (SELECT name FROM authors WHERE id = 1));
SELECT name FROM us_authors WHERE id = 301;
INSERT INTO us_authors (id, name) SELECT 400, name FROM authors;
INSERT INTO us_authors (id, name) VALUES (500, 'x') , (500, 'y');
SELECT count(*) FROM us_authors WHERE id = 500;
-- INSERT with a CTE, like ORMs do for bulk copies
WITH src AS (SELECT id, name FROM authors WHERE country = 'PL')
INSERT INTO us_authors (id, name) SELECT id + 600, name FROM src;
SELECT id, name FROM us_authors WHERE id > 600;
INSERT INTO us_authors (id, name) VALUES (700, 'expression ' || 2 * 3);
INSERT INTO us_authors (id, name, born) VALUES (701, NULL, NULL);
INSERT INTO us_authors (born, name, id) VALUES (1999, 'reordered', 702);
SELECT * FROM us_authors WHERE id >= 700 ORDER BY id;
INSERT INTO us_authors VALUES (703, 'cast me', '1988');
INSERT INTO us_authors VALUES (704, 'bad cast', 'nineteen');
SELECT born, pg_typeof(born) FROM us_authors WHERE id = 703;
-- RETURNING
INSERT INTO authors (name, country) VALUES ('Ted Chiang', 'US') RETURNING id;
INSERT INTO authors (name, country) VALUES ('N. K. Jemisin', 'US') RETURNING *;
INSERT INTO authors (name, born) VALUES ('Ann Leckie', 1966), ('Ken Liu', 1976) RETURNING id, name, born + 1 AS next_year;
INSERT INTO authors AS a (name) VALUES ('Aliased') RETURNING a.id, a.name;
INSERT INTO authors (name) SELECT 'copy of ' || name FROM authors WHERE id = 1 RETURNING id, name;
INSERT INTO authors (name) VALUES ('ret') RETURNING nope;
SELECT count(*) FROM authors;
-- large multi-row insert
CREATE TABLE bulk (id int PRIMARY KEY, v text);
INSERT INTO bulk SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
SELECT count(*), count(DISTINCT v), min(id), max(id) FROM bulk;
SELECT v FROM bulk WHERE id = 500;
INSERT INTO bulk VALUES (1001, 'a'), (1002, 'b'), (1003, 'c'), (1004, 'd'), (1005, 'e'), (1006, 'f'), (1007, 'g'), (1008, 'h'), (1009, 'i'), (1010, 'j');
INSERT INTO bulk VALUES (1011, 'ok'), (1, 'conflict'), (1012, 'never');
SELECT count(*) FROM bulk;
