-- NOT NULL (23502) and CHECK (23514) violations with their DETAIL
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    quantity int NOT NULL CHECK (quantity > 0),
    unit_price numeric(8, 2) NOT NULL CONSTRAINT positive_price CHECK (unit_price >= 0),
    discount numeric(3, 2) DEFAULT 0 CHECK (discount BETWEEN 0 AND 1),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    shipped_on date,
    ordered_on date NOT NULL DEFAULT '2024-01-01',
    CONSTRAINT shipped_after_order CHECK (shipped_on IS NULL OR shipped_on >= ordered_on)
);
INSERT INTO orders (customer, quantity, unit_price) VALUES ('ann', 2, 9.99);
INSERT INTO orders (customer, quantity, unit_price) VALUES (NULL, 2, 9.99);
INSERT INTO orders (quantity, unit_price) VALUES (2, 9.99);
INSERT INTO orders (customer, quantity, unit_price) VALUES ('bob', 0, 9.99);
INSERT INTO orders (customer, quantity, unit_price) VALUES ('bob', -1, -5);
INSERT INTO orders (customer, quantity, unit_price) VALUES ('bob', 1, -5);
INSERT INTO orders (customer, quantity, unit_price, discount) VALUES ('bob', 1, 5, 1.5);
INSERT INTO orders (customer, quantity, unit_price, status) VALUES ('bob', 1, 5, 'lost');
INSERT INTO orders (customer, quantity, unit_price, shipped_on) VALUES ('bob', 1, 5, '2023-12-31');
INSERT INTO orders (customer, quantity, unit_price, discount) VALUES ('bob', 1, 5, NULL);
INSERT INTO orders (customer, quantity, unit_price, status) VALUES ('cid', 3, 1.50, NULL);
SELECT id, customer, quantity, unit_price, discount, status FROM orders ORDER BY id;
UPDATE orders SET quantity = 0 WHERE id = 1;
UPDATE orders SET status = 'paid' WHERE id = 1;
UPDATE orders SET shipped_on = '2024-01-05', status = 'shipped' WHERE id = 1 RETURNING status, shipped_on;
UPDATE orders SET ordered_on = '2024-02-01' WHERE id = 1;
UPDATE orders SET customer = NULL WHERE id = 10;
UPDATE orders SET quantity = quantity - 1;
SELECT id, quantity FROM orders ORDER BY id;
-- CHECK constraints that evaluate to NULL pass
INSERT INTO orders (customer, quantity, unit_price, discount) VALUES ('dee', 1, 1, NULL) RETURNING id, discount;
-- table-level checks referencing several columns
CREATE TABLE ranges (
    id int PRIMARY KEY,
    lo int,
    hi int,
    CHECK (lo < hi),
    CHECK (lo >= 0 AND hi <= 100)
);
INSERT INTO ranges VALUES (1, 1, 10);
INSERT INTO ranges VALUES (2, 10, 1);
INSERT INTO ranges VALUES (3, -1, 10);
INSERT INTO ranges VALUES (4, 50, 101);
INSERT INTO ranges VALUES (5, NULL, 5);
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ranges'::regclass AND contype = 'c' ORDER BY conname;
-- NOT NULL on primary key columns is implicit
CREATE TABLE pk_only (a int PRIMARY KEY, b text);
INSERT INTO pk_only VALUES (NULL, 'x');
INSERT INTO pk_only (b) VALUES ('y');
SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = 'pk_only'::regclass AND attnum > 0 ORDER BY attnum;
-- CHECK with functions and casts
CREATE TABLE emails (
    address text NOT NULL CHECK (address ~ '^[^@]+@[^@]+$'),
    domain text GENERATED ALWAYS AS (split_part(address, '@', 2)) STORED,
    CONSTRAINT lower_only CHECK (address = lower(address))
);
INSERT INTO emails (address) VALUES ('ann@example.com') RETURNING address, domain;
INSERT INTO emails (address) VALUES ('not-an-email');
INSERT INTO emails (address) VALUES ('Ann@Example.com');
INSERT INTO emails (address, domain) VALUES ('x@y.z', 'y.z');
SELECT * FROM emails;
CREATE TABLE bad_check (a int CHECK (a > (SELECT 1)));
CREATE TABLE bad_check2 (a int CHECK (nope > 0));
CREATE TABLE bad_check3 (a int CHECK (a));
