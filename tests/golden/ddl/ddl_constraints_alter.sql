-- ALTER TABLE ADD / DROP CONSTRAINT
CREATE TABLE products (
    id int,
    sku text,
    price numeric(10, 2),
    category_id int
);
INSERT INTO products VALUES (1, 'A-1', 10.00, 1), (2, 'A-2', 0, 2), (3, 'A-2', 5, NULL);
ALTER TABLE products ADD PRIMARY KEY (id);
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
UPDATE products SET sku = 'A-3' WHERE id = 3;
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
INSERT INTO products VALUES (4, 'A-1', 1, 1);
ALTER TABLE products ADD CONSTRAINT price_positive CHECK (price > 0);
ALTER TABLE products ADD CONSTRAINT price_non_negative CHECK (price >= 0);
INSERT INTO products VALUES (5, 'B-1', -1, 1);
ALTER TABLE products ADD CONSTRAINT price_non_negative CHECK (price >= 0);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO categories VALUES (1, 'tools');
ALTER TABLE products ADD CONSTRAINT products_category_fk FOREIGN KEY (category_id) REFERENCES categories (id);
INSERT INTO categories VALUES (2, 'toys');
ALTER TABLE products ADD CONSTRAINT products_category_fk FOREIGN KEY (category_id) REFERENCES categories (id);
INSERT INTO products VALUES (6, 'C-1', 3, 99);
SELECT conname, contype FROM pg_constraint WHERE conrelid = 'products'::regclass ORDER BY conname;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'products'::regclass ORDER BY conname;
ALTER TABLE products DROP CONSTRAINT price_non_negative;
INSERT INTO products VALUES (5, 'B-1', -1, 1);
ALTER TABLE products DROP CONSTRAINT price_non_negative;
ALTER TABLE products DROP CONSTRAINT IF EXISTS price_non_negative;
ALTER TABLE products DROP CONSTRAINT products_sku_key;
INSERT INTO products VALUES (7, 'A-1', 1, 1);
ALTER TABLE products DROP CONSTRAINT products_pkey;
INSERT INTO products VALUES (1, 'dup-id', 1, 1);
SELECT id, count(*) FROM products GROUP BY id HAVING count(*) > 1;
ALTER TABLE categories DROP CONSTRAINT categories_pkey;
ALTER TABLE products DROP CONSTRAINT products_category_fk;
ALTER TABLE categories DROP CONSTRAINT categories_pkey;
ALTER TABLE products ADD CONSTRAINT one_per_sku_category UNIQUE (sku, category_id);
ALTER TABLE products ADD CONSTRAINT sku_format CHECK (sku LIKE '_-%') NOT VALID;
INSERT INTO products VALUES (8, 'bad', 1, 1);
ALTER TABLE products ADD CONSTRAINT c_not_null CHECK (category_id IS NOT NULL);
ALTER TABLE products ALTER COLUMN sku SET NOT NULL;
SELECT conname, contype, convalidated FROM pg_constraint WHERE conrelid = 'products'::regclass ORDER BY conname;
ALTER TABLE products RENAME CONSTRAINT sku_format TO sku_shape;
SELECT conname FROM pg_constraint WHERE conrelid = 'products'::regclass ORDER BY conname;
ALTER TABLE products DROP COLUMN sku;
SELECT conname FROM pg_constraint WHERE conrelid = 'products'::regclass ORDER BY conname;
