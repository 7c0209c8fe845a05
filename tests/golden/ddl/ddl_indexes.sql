-- CREATE [UNIQUE] INDEX, DROP INDEX
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    last_name text,
    first_name text,
    city text,
    signup_date date,
    deleted_at timestamp
);
INSERT INTO customers (email, last_name, first_name, city, signup_date, deleted_at) VALUES
    ('Ann@Example.com', 'Smith', 'Ann', 'Oslo', '2024-01-05', NULL),
    ('bob@example.com', 'Jones', 'Bob', 'Rome', '2024-02-10', NULL),
    ('cid@example.com', 'Smith', 'Cid', NULL, '2024-02-11', '2024-03-01'),
    ('dee@example.com', NULL, 'Dee', 'Oslo', NULL, NULL);
CREATE INDEX customers_last_name_idx ON customers (last_name);
CREATE INDEX customers_last_name_idx ON customers (first_name);
CREATE INDEX IF NOT EXISTS customers_last_name_idx ON customers (first_name);
CREATE INDEX idx_customers_name ON customers (last_name, first_name);
CREATE INDEX idx_customers_signup_desc ON customers (signup_date DESC NULLS LAST);
CREATE INDEX idx_customers_city_nulls ON customers (city NULLS FIRST, id DESC);
CREATE UNIQUE INDEX idx_customers_email_lower ON customers (lower(email));
INSERT INTO customers (email) VALUES ('ANN@example.com');
INSERT INTO customers (email) VALUES ('eve@example.com') RETURNING id, email;
CREATE INDEX idx_customers_active ON customers (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX idx_customers_active_city ON customers (city) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX idx_customers_active_name ON customers (last_name, first_name) WHERE deleted_at IS NULL;
INSERT INTO customers (email, last_name, first_name) VALUES ('ann2@example.com', 'Smith', 'Ann');
INSERT INTO customers (email, last_name, first_name, deleted_at) VALUES ('ann3@example.com', 'Smith', 'Ann', '2024-04-01') RETURNING id;
INSERT INTO customers (email, last_name, first_name) VALUES ('cid2@example.com', 'Smith', 'Cid') RETURNING id;
CREATE INDEX ON customers (city);
CREATE INDEX ON customers (city);
CREATE INDEX ON customers ((lower(last_name)));
CREATE INDEX idx_bad_column ON customers (nope);
CREATE INDEX idx_bad_table ON nope (id);
CREATE INDEX idx_customers_expr ON customers ((first_name || ' ' || last_name));
CREATE INDEX idx_customers_btree ON customers USING btree (signup_date);
SELECT indexname FROM pg_indexes WHERE tablename = 'customers' ORDER BY indexname;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'customers' ORDER BY indexname;
SELECT c.relname, i.indisunique, i.indisprimary, i.indnatts FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'customers'::regclass ORDER BY c.relname;
SELECT id, email FROM customers WHERE lower(email) = 'ann@example.com';
SELECT id, last_name, first_name FROM customers WHERE last_name = 'Smith' ORDER BY first_name, id;
SELECT id FROM customers ORDER BY signup_date DESC NULLS LAST, id;
SELECT id, city FROM customers ORDER BY city NULLS FIRST, id DESC;
SELECT id FROM customers WHERE deleted_at IS NULL AND email LIKE '%example.com' ORDER BY id;
DROP INDEX idx_customers_email_lower;
INSERT INTO customers (email) VALUES ('ANN@example.com') RETURNING id;
CREATE UNIQUE INDEX idx_customers_email_lower ON customers (lower(email));
DROP INDEX idx_customers_email_lower;
DROP INDEX IF EXISTS idx_customers_email_lower;
DROP INDEX idx_customers_name, idx_customers_signup_desc;
DROP INDEX customers_pkey;
DROP INDEX customers;
ALTER INDEX idx_customers_active RENAME TO idx_customers_live;
SELECT indexname FROM pg_indexes WHERE tablename = 'customers' ORDER BY indexname;
-- a unique index behaves like a unique constraint, NULLs are distinct
CREATE TABLE slugs (id int PRIMARY KEY, site_id int, slug text);
CREATE UNIQUE INDEX slugs_site_slug ON slugs (site_id, slug);
INSERT INTO slugs VALUES (1, 1, 'home'), (2, 2, 'home'), (3, 1, NULL), (4, 1, NULL), (5, NULL, 'home'), (6, NULL, 'home');
INSERT INTO slugs VALUES (7, 1, 'home');
UPDATE slugs SET slug = 'home' WHERE id = 3;
SELECT * FROM slugs ORDER BY id;
DROP TABLE slugs;
SELECT count(*) FROM pg_indexes WHERE indexname = 'slugs_site_slug';
