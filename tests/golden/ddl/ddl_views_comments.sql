-- CREATE VIEW
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    amount numeric(10, 2) NOT NULL,
    status text NOT NULL DEFAULT 'new'
);
INSERT INTO orders (customer, amount, status) VALUES ('ann', 10, 'paid'), ('ann', 25.5, 'new'), ('bob', 7, 'paid'), ('cid', 100, 'cancelled');
CREATE VIEW paid_orders AS SELECT id, customer, amount FROM orders WHERE status = 'paid';
SELECT * FROM paid_orders ORDER BY id;
CREATE VIEW paid_orders AS SELECT 1;
CREATE OR REPLACE VIEW paid_orders AS SELECT id, customer, amount, status FROM orders WHERE status = 'paid';
SELECT * FROM paid_orders ORDER BY id;
CREATE OR REPLACE VIEW paid_orders AS SELECT id FROM orders;
CREATE VIEW customer_totals (customer, order_count, total) AS
    SELECT customer, count(*), sum(amount) FROM orders WHERE status <> 'cancelled' GROUP BY customer;
SELECT * FROM customer_totals ORDER BY customer;
SELECT customer FROM customer_totals WHERE total > 20;
INSERT INTO orders (customer, amount) VALUES ('bob', 3);
SELECT * FROM customer_totals ORDER BY customer;
CREATE VIEW big_spenders AS SELECT customer FROM customer_totals WHERE total >= 30;
SELECT * FROM big_spenders;
INSERT INTO paid_orders (customer, amount) VALUES ('dee', 1) RETURNING id, customer, amount, status;
SELECT id, customer, status FROM orders WHERE customer = 'dee';
UPDATE paid_orders SET amount = amount + 1 WHERE customer = 'bob' RETURNING id, amount;
INSERT INTO customer_totals VALUES ('x', 1, 1);
SELECT table_name, view_definition IS NOT NULL FROM information_schema.views WHERE table_schema = 'public' ORDER BY table_name;
SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY viewname;
DROP TABLE orders;
DROP VIEW customer_totals;
DROP VIEW customer_totals CASCADE;
SELECT * FROM big_spenders;
DROP VIEW IF EXISTS big_spenders;
DROP VIEW orders;
DROP VIEW paid_orders;
CREATE VIEW v_constant AS SELECT 1 AS one, 'x'::text AS letter;
SELECT * FROM v_constant;
CREATE TEMP VIEW tv AS SELECT 2 AS two;
SELECT * FROM tv;
-- COMMENT ON
COMMENT ON TABLE orders IS 'Customer orders';
COMMENT ON COLUMN orders.amount IS 'Order total in EUR';
COMMENT ON COLUMN orders.nope IS 'x';
COMMENT ON TABLE missing IS 'x';
SELECT obj_description('orders'::regclass, 'pg_class'), col_description('orders'::regclass, 3);
COMMENT ON TABLE orders IS NULL;
SELECT obj_description('orders'::regclass, 'pg_class');
COMMENT ON VIEW v_constant IS 'constant view';
COMMENT ON INDEX orders_pkey IS 'pk index';
SELECT obj_description('v_constant'::regclass, 'pg_class'), obj_description('orders_pkey'::regclass, 'pg_class');
CREATE SCHEMA s;
COMMENT ON SCHEMA s IS 'a schema';
SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 's';
SELECT c.relname, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid WHERE d.objsubid = 0 ORDER BY c.relname;
SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a WHERE a.attrelid = 'orders'::regclass AND a.attnum > 0 ORDER BY a.attnum;
