-- FOREIGN KEY actions and 23503 errors with DETAIL
CREATE TABLE departments (
    id int PRIMARY KEY,
    code text UNIQUE NOT NULL,
    name text NOT NULL
);
INSERT INTO departments VALUES (1, 'ENG', 'Engineering'), (2, 'OPS', 'Operations'), (3, 'HR', 'People'), (9, 'DEF', 'Default');
-- NO ACTION (the default) and RESTRICT
CREATE TABLE staff (
    id int PRIMARY KEY,
    name text NOT NULL,
    dept_id int REFERENCES departments (id),
    dept_code text REFERENCES departments (code) ON DELETE RESTRICT ON UPDATE RESTRICT
);
INSERT INTO staff VALUES (1, 'ann', 1, NULL), (2, 'bob', NULL, 'OPS'), (3, 'cid', NULL, NULL);
INSERT INTO staff VALUES (4, 'dee', 42, NULL);
INSERT INTO staff VALUES (4, 'dee', NULL, 'NOPE');
UPDATE staff SET dept_id = 7 WHERE id = 1;
DELETE FROM departments WHERE id = 1;
DELETE FROM departments WHERE id = 2;
UPDATE departments SET code = 'OPS2' WHERE id = 2;
UPDATE departments SET id = 10 WHERE id = 1;
UPDATE departments SET id = 20 WHERE id = 2 RETURNING id, code;
UPDATE departments SET id = 2 WHERE id = 20;
UPDATE departments SET code = 'ENGR' WHERE id = 1 RETURNING code;
DELETE FROM departments WHERE id = 3 RETURNING id;
SELECT conname, confupdtype, confdeltype FROM pg_constraint WHERE conrelid = 'staff'::regclass AND contype = 'f' ORDER BY conname;
-- CASCADE
CREATE TABLE projects (
    id int PRIMARY KEY,
    dept_id int NOT NULL REFERENCES departments (id) ON DELETE CASCADE ON UPDATE CASCADE,
    title text
);
CREATE TABLE tasks (
    id int PRIMARY KEY,
    project_id int REFERENCES projects ON DELETE CASCADE,
    title text
);
INSERT INTO projects VALUES (10, 9, 'p10'), (11, 9, 'p11'), (12, 1, 'p12');
INSERT INTO tasks VALUES (100, 10, 't100'), (101, 10, 't101'), (102, 11, 't102'), (103, 12, 't103');
UPDATE departments SET id = 90 WHERE id = 9;
SELECT id, dept_id FROM projects ORDER BY id;
DELETE FROM departments WHERE id = 90;
SELECT id FROM projects ORDER BY id;
SELECT id FROM tasks ORDER BY id;
INSERT INTO tasks VALUES (104, 99, 'orphan');
-- SET NULL and SET DEFAULT
CREATE TABLE devices (
    id int PRIMARY KEY,
    owner_dept int DEFAULT 1 REFERENCES departments (id) ON DELETE SET NULL,
    billing_dept int DEFAULT 1 REFERENCES departments (id) ON DELETE SET DEFAULT ON UPDATE SET DEFAULT
);
INSERT INTO departments VALUES (5, 'LAB', 'Lab'), (6, 'FIN', 'Finance');
INSERT INTO devices VALUES (1, 5, 6), (2, 6, 5), (3, NULL, NULL);
DELETE FROM departments WHERE id = 5;
SELECT * FROM devices ORDER BY id;
UPDATE departments SET id = 60 WHERE id = 6;
SELECT * FROM devices ORDER BY id;
DELETE FROM staff WHERE dept_id = 1;
DELETE FROM projects WHERE dept_id = 1;
DELETE FROM departments WHERE id = 1;
-- composite foreign key and MATCH SIMPLE null handling
CREATE TABLE regions (country char(2), code text, name text, PRIMARY KEY (country, code));
CREATE TABLE stores (
    id int PRIMARY KEY,
    country char(2),
    region_code text,
    FOREIGN KEY (country, region_code) REFERENCES regions (country, code)
);
INSERT INTO regions VALUES ('US', 'CA', 'California'), ('US', 'NY', 'New York');
INSERT INTO stores VALUES (1, 'US', 'CA'), (2, 'US', NULL), (3, NULL, 'XX');
INSERT INTO stores VALUES (4, 'US', 'TX');
INSERT INTO stores VALUES (5, 'DE', 'CA');
SELECT conname FROM pg_constraint WHERE conrelid = 'stores'::regclass AND contype = 'f';
-- self-referencing
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories (id) ON DELETE CASCADE, name text);
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'child'), (3, 2, 'grandchild'), (4, 1, 'child2');
INSERT INTO categories VALUES (5, 5, 'self');
INSERT INTO categories VALUES (6, 7, 'forward');
DELETE FROM categories WHERE id = 2;
SELECT id, parent_id, name FROM categories ORDER BY id;
-- referencing a non-unique column is an error
CREATE TABLE bad_fk (x text REFERENCES departments (name));
CREATE TABLE bad_fk2 (x int REFERENCES nowhere (id));
CREATE TABLE bad_fk3 (x text REFERENCES departments (id));
-- deferred foreign key
CREATE TABLE nodes (id int PRIMARY KEY, next_id int REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO nodes VALUES (1, 2);
INSERT INTO nodes VALUES (2, 1);
COMMIT;
SELECT * FROM nodes ORDER BY id;
BEGIN;
INSERT INTO nodes VALUES (3, 4);
COMMIT;
SELECT count(*) FROM nodes;
-- dropping a referenced table
DROP TABLE departments;
DROP TABLE departments CASCADE;
INSERT INTO staff VALUES (50, 'free', 12345, 'ANY');
SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 0;
