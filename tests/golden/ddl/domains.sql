-- domains: CREATE DOMAIN, checks on cast and on write, NOT NULL, defaults, ALTER DOMAIN
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
SELECT 5::posint, pg_typeof(5::posint);
SELECT 0::posint;
SELECT '-3'::posint;
SELECT NULL::posint;
SELECT 5::posint + 1, 5::posint * 2.5, -(5::posint);
CREATE TABLE orders (id int PRIMARY KEY, qty posint, note text);
INSERT INTO orders VALUES (1, 3, 'a'), (2, 10, 'b');
INSERT INTO orders VALUES (3, 0, 'zero');
INSERT INTO orders VALUES (4, NULL, 'null is fine');
UPDATE orders SET qty = qty - 3 WHERE id = 1;
UPDATE orders SET qty = qty + 1 WHERE id = 1;
SELECT id, qty, qty + 1 AS next, note FROM orders ORDER BY qty, id;
SELECT sum(qty), max(qty) FROM orders;
SELECT id FROM orders WHERE qty > 3 ORDER BY id;
-- NOT NULL, DEFAULT, named constraints, typmods
CREATE DOMAIN code AS varchar(5) NOT NULL DEFAULT 'none' CONSTRAINT code_upper CHECK (VALUE = upper(VALUE))
  CHECK (length(VALUE) >= 2);
CREATE TABLE items (id int, c code);
INSERT INTO items (id) VALUES (1);
INSERT INTO items VALUES (2, 'AB');
INSERT INTO items VALUES (3, 'ab');
INSERT INTO items VALUES (4, 'A');
INSERT INTO items VALUES (5, NULL);
INSERT INTO items VALUES (6, 'TOOLONG');
SELECT id, c FROM items ORDER BY id;
SELECT 'xy'::code;
SELECT 'XY'::code, 'XYZ'::code || 'w';
-- arrays of a domain
CREATE TABLE darr (id int, a posint[]);
INSERT INTO darr VALUES (1, '{1,2}'), (2, ARRAY[3]);
INSERT INTO darr VALUES (3, '{1,-2}');
INSERT INTO darr VALUES (4, ARRAY[3,-4]);
SELECT id, a::text FROM darr ORDER BY id;
DROP TABLE darr;
-- domain over a domain
CREATE DOMAIN small_posint AS posint CHECK (VALUE < 100);
SELECT 50::small_posint;
SELECT 150::small_posint;
SELECT 0::small_posint;
-- ALTER DOMAIN
ALTER DOMAIN posint ADD CONSTRAINT posint_max CHECK (VALUE < 1000);
SELECT 1000::posint;
ALTER DOMAIN posint ADD CONSTRAINT posint_small CHECK (VALUE < 5);
ALTER DOMAIN posint ADD CONSTRAINT posint_small CHECK (VALUE < 5) NOT VALID;
SELECT 7::posint;
ALTER DOMAIN posint DROP CONSTRAINT posint_small;
SELECT 7::posint;
ALTER DOMAIN posint DROP CONSTRAINT nosuch;
ALTER DOMAIN posint DROP CONSTRAINT IF EXISTS nosuch;
ALTER DOMAIN posint SET NOT NULL;
DELETE FROM orders WHERE qty IS NULL;
ALTER DOMAIN posint SET NOT NULL;
INSERT INTO orders VALUES (5, NULL, 'x');
ALTER DOMAIN posint DROP NOT NULL;
INSERT INTO orders VALUES (5, NULL, 'x');
ALTER DOMAIN posint SET DEFAULT 42;
INSERT INTO orders (id, note) VALUES (6, 'dflt');
SELECT id, qty FROM orders WHERE id >= 5 ORDER BY id;
ALTER DOMAIN posint DROP DEFAULT;
INSERT INTO orders (id, note) VALUES (7, 'no dflt');
SELECT id, qty FROM orders WHERE id = 7;
ALTER DOMAIN posint ADD CONSTRAINT posint_odd CHECK (VALUE % 2 = 1) NOT VALID;
SELECT conname, convalidated FROM pg_constraint WHERE conname LIKE 'posint%' ORDER BY conname;
ALTER DOMAIN posint VALIDATE CONSTRAINT posint_odd;
ALTER DOMAIN posint VALIDATE CONSTRAINT nosuch;
ALTER DOMAIN posint RENAME CONSTRAINT posint_odd TO posint_odd_check;
SELECT 8::posint;
ALTER DOMAIN posint DROP CONSTRAINT posint_odd_check;
SELECT 8::posint;
ALTER DOMAIN posint RENAME TO posint2;
SELECT 9::posint2;
SELECT 9::posint;
ALTER DOMAIN posint2 RENAME TO posint;
ALTER DOMAIN orders ADD CONSTRAINT x CHECK (true);
-- catalog
SELECT t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault
FROM pg_type t WHERE t.typname IN ('posint', 'code', 'small_posint') ORDER BY t.typname;
SELECT c.conname, t.typname, pg_get_constraintdef(c.oid), c.convalidated FROM pg_constraint c
JOIN pg_type t ON t.oid = c.contypid WHERE t.typname IN ('posint', 'code', 'small_posint') ORDER BY t.typname, c.conname;
SELECT domain_name, data_type, character_maximum_length, domain_default, udt_name
FROM information_schema.domains WHERE domain_schema = 'public' ORDER BY domain_name;
SELECT column_name, data_type, character_maximum_length, udt_schema, udt_name, domain_schema, domain_name
FROM information_schema.columns WHERE table_name IN ('orders', 'items') ORDER BY table_name, ordinal_position;
-- errors and DROP
CREATE DOMAIN posint AS int;
CREATE DOMAIN bad AS int NULL NOT NULL;
CREATE DOMAIN bad AS int CHECK (VALUE + 1);
CREATE DOMAIN bad AS nosuchtype;
CREATE DOMAIN bad AS int UNIQUE;
ALTER DOMAIN nosuch DROP NOT NULL;
DROP DOMAIN posint;
DROP DOMAIN small_posint;
DROP DOMAIN posint CASCADE;
SELECT * FROM orders ORDER BY id;
DROP DOMAIN IF EXISTS nosuch;
DROP TABLE items;
DROP DOMAIN code;
SELECT count(*) FROM pg_type WHERE typname IN ('posint', 'code', 'small_posint');
