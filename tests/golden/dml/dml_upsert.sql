-- INSERT ... ON CONFLICT
CREATE TABLE inventory (
    sku text PRIMARY KEY,
    qty int NOT NULL DEFAULT 0,
    price numeric(8, 2),
    updated_count int NOT NULL DEFAULT 0,
    discontinued boolean NOT NULL DEFAULT false
);
INSERT INTO inventory (sku, qty, price) VALUES ('apple', 10, 0.50), ('pear', 5, 0.75);
INSERT INTO inventory (sku, qty) VALUES ('apple', 99) ON CONFLICT DO NOTHING;
INSERT INTO inventory (sku, qty) VALUES ('apple', 99), ('plum', 3) ON CONFLICT DO NOTHING;
INSERT INTO inventory (sku, qty) VALUES ('apple', 99) ON CONFLICT (sku) DO NOTHING RETURNING sku;
INSERT INTO inventory (sku, qty) VALUES ('kiwi', 1) ON CONFLICT (sku) DO NOTHING RETURNING sku, qty;
SELECT sku, qty FROM inventory ORDER BY sku;
INSERT INTO inventory (sku, qty, price) VALUES ('apple', 7, 0.55)
    ON CONFLICT (sku) DO UPDATE SET qty = inventory.qty + EXCLUDED.qty, price = EXCLUDED.price, updated_count = inventory.updated_count + 1;
SELECT * FROM inventory WHERE sku = 'apple';
INSERT INTO inventory (sku, qty, price) VALUES ('apple', 1, 0.60), ('grape', 20, 2.00)
    ON CONFLICT (sku) DO UPDATE SET qty = inventory.qty + EXCLUDED.qty
    RETURNING sku, qty, price;
INSERT INTO inventory AS i (sku, qty) VALUES ('pear', 100)
    ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty WHERE i.discontinued = false
    RETURNING i.sku, i.qty;
UPDATE inventory SET discontinued = true WHERE sku = 'pear';
INSERT INTO inventory AS i (sku, qty) VALUES ('pear', 200)
    ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty WHERE i.discontinued = false
    RETURNING i.sku, i.qty;
SELECT sku, qty FROM inventory WHERE sku = 'pear';
INSERT INTO inventory (sku, qty) VALUES ('plum', 1), ('plum', 2) ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty;
INSERT INTO inventory (sku, qty) VALUES ('plum', 1), ('plum', 2) ON CONFLICT (sku) DO NOTHING;
SELECT sku, qty FROM inventory WHERE sku = 'plum';
INSERT INTO inventory (sku, qty) VALUES ('x', 1) ON CONFLICT (qty) DO NOTHING;
INSERT INTO inventory (sku, qty) VALUES ('x', 1) ON CONFLICT DO UPDATE SET qty = 1;
INSERT INTO inventory (sku, qty) VALUES ('apple', 1) ON CONFLICT (sku) DO UPDATE SET qty = excluded.qty, sku = 'banana' RETURNING sku, qty;
INSERT INTO inventory (sku, qty) VALUES ('banana', NULL) ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty;
INSERT INTO inventory (sku, qty) VALUES ('banana', 0) ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price;
SELECT sku, qty, price, updated_count FROM inventory ORDER BY sku;
-- ON CONFLICT ON CONSTRAINT and on a multi-column unique key
CREATE TABLE page_views (
    site text NOT NULL,
    path text NOT NULL,
    day date NOT NULL,
    views int NOT NULL,
    CONSTRAINT page_views_uniq UNIQUE (site, path, day)
);
INSERT INTO page_views VALUES ('a.com', '/', '2024-01-01', 1)
    ON CONFLICT ON CONSTRAINT page_views_uniq DO UPDATE SET views = page_views.views + EXCLUDED.views RETURNING views;
INSERT INTO page_views VALUES ('a.com', '/', '2024-01-01', 4)
    ON CONFLICT ON CONSTRAINT page_views_uniq DO UPDATE SET views = page_views.views + EXCLUDED.views RETURNING views;
INSERT INTO page_views VALUES ('a.com', '/', '2024-01-01', 5), ('a.com', '/about', '2024-01-01', 1)
    ON CONFLICT (site, path, day) DO UPDATE SET views = page_views.views + EXCLUDED.views RETURNING path, views;
INSERT INTO page_views VALUES ('a.com', '/', '2024-01-01', 1) ON CONFLICT ON CONSTRAINT no_such_constraint DO NOTHING;
INSERT INTO page_views VALUES ('a.com', '/', '2024-01-01', 1) ON CONFLICT (site, path) DO NOTHING;
SELECT * FROM page_views ORDER BY path;
-- partial unique index as arbiter
CREATE TABLE memberships (id serial PRIMARY KEY, user_id int NOT NULL, org_id int NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE UNIQUE INDEX memberships_active_uniq ON memberships (user_id, org_id) WHERE active;
INSERT INTO memberships (user_id, org_id) VALUES (1, 1);
INSERT INTO memberships (user_id, org_id) VALUES (1, 1) ON CONFLICT (user_id, org_id) WHERE active DO NOTHING RETURNING id;
INSERT INTO memberships (user_id, org_id) VALUES (1, 1) ON CONFLICT (user_id, org_id) DO NOTHING;
INSERT INTO memberships (user_id, org_id, active) VALUES (1, 1, false) ON CONFLICT (user_id, org_id) WHERE active DO NOTHING RETURNING id;
INSERT INTO memberships (user_id, org_id) VALUES (1, 1);
SELECT id, user_id, org_id, active FROM memberships ORDER BY id;
-- upsert with a default and a serial id
CREATE TABLE tags (id serial PRIMARY KEY, name text UNIQUE NOT NULL, uses int DEFAULT 1);
INSERT INTO tags (name) VALUES ('sql') ON CONFLICT (name) DO UPDATE SET uses = tags.uses + 1 RETURNING id, name, uses;
INSERT INTO tags (name) VALUES ('sql') ON CONFLICT (name) DO UPDATE SET uses = tags.uses + 1 RETURNING id, name, uses;
INSERT INTO tags (name) VALUES ('go') ON CONFLICT (name) DO UPDATE SET uses = tags.uses + 1 RETURNING id, name, uses;
INSERT INTO tags (name) VALUES ('sql'), ('rust') ON CONFLICT (name) DO NOTHING RETURNING id, name;
SELECT * FROM tags ORDER BY id;
