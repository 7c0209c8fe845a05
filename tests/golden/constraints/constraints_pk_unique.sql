-- PRIMARY KEY and UNIQUE constraints (23505 with DETAIL)
CREATE TABLE users (
    id int PRIMARY KEY,
    email text NOT NULL UNIQUE,
    username text,
    org_id int,
    CONSTRAINT users_org_username_key UNIQUE (org_id, username)
);
INSERT INTO users VALUES (1, 'a@x.com', 'ann', 1);
INSERT INTO users VALUES (1, 'b@x.com', 'bob', 1);
INSERT INTO users VALUES (2, 'a@x.com', 'bob', 1);
INSERT INTO users VALUES (2, 'b@x.com', 'ann', 1);
INSERT INTO users VALUES (2, 'b@x.com', 'ann', 2);
INSERT INTO users VALUES (NULL, 'c@x.com', 'cid', 1);
INSERT INTO users VALUES (3, 'c@x.com', NULL, 1), (4, 'd@x.com', NULL, 1), (5, 'e@x.com', 'eve', NULL), (6, 'f@x.com', 'eve', NULL);
SELECT id, email, username, org_id FROM users ORDER BY id;
UPDATE users SET email = 'a@x.com' WHERE id = 2;
UPDATE users SET id = id + 1 WHERE id = 1;
UPDATE users SET id = id * 10 WHERE id IN (1, 2);
SELECT id FROM users ORDER BY id;
UPDATE users SET username = 'ann' WHERE id = 20;
UPDATE users SET org_id = 1 WHERE username = 'eve';
INSERT INTO users (id, email, username, org_id) VALUES (7, 'A@x.com', 'ann', 3);
SELECT count(*) FROM users WHERE lower(email) = 'a@x.com';
-- composite primary key
CREATE TABLE enrollments (
    student_id int,
    course_id int,
    grade char(1),
    PRIMARY KEY (student_id, course_id)
);
INSERT INTO enrollments VALUES (1, 101, 'A'), (1, 102, 'B'), (2, 101, NULL);
INSERT INTO enrollments VALUES (1, 101, 'C');
INSERT INTO enrollments VALUES (NULL, 101, 'C');
INSERT INTO enrollments VALUES (3, NULL, 'C');
UPDATE enrollments SET course_id = 101 WHERE student_id = 1 AND course_id = 102;
SELECT * FROM enrollments ORDER BY student_id, course_id;
SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'enrollments'::regclass AND i.indisprimary ORDER BY a.attnum;
-- constraint names chosen by the server
CREATE TABLE named (a int, b text, c text, UNIQUE (b), UNIQUE (b, c), CONSTRAINT custom_pk PRIMARY KEY (a));
SELECT conname, contype FROM pg_constraint WHERE conrelid = 'named'::regclass ORDER BY conname;
INSERT INTO named VALUES (1, 'x', 'y');
INSERT INTO named VALUES (1, 'z', 'y');
INSERT INTO named VALUES (2, 'x', 'q');
-- unique across types and expressions
CREATE TABLE codes (code varchar(10) UNIQUE, n numeric UNIQUE, t timestamp UNIQUE);
INSERT INTO codes VALUES ('abc', 1.0, '2024-01-01 00:00');
INSERT INTO codes VALUES ('ABC', 1.00, NULL);
INSERT INTO codes VALUES ('xyz', 2, '2024-01-01');
INSERT INTO codes VALUES ('abc ', 3, NULL);
SELECT code, n, t FROM codes ORDER BY code;
-- NULLS NOT DISTINCT (PostgreSQL 15)
CREATE TABLE strict_codes (code text UNIQUE NULLS NOT DISTINCT);
INSERT INTO strict_codes VALUES (NULL);
INSERT INTO strict_codes VALUES (NULL);
SELECT count(*) FROM strict_codes;
-- deferrable unique constraint checked at commit
CREATE TABLE positions (id int PRIMARY KEY, pos int UNIQUE DEFERRABLE INITIALLY IMMEDIATE);
INSERT INTO positions VALUES (1, 1), (2, 2), (3, 3);
UPDATE positions SET pos = pos + 1;
SELECT id, pos FROM positions ORDER BY id;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
UPDATE positions SET pos = 1 WHERE id = 2;
UPDATE positions SET pos = 3 WHERE id = 1;
COMMIT;
SELECT id, pos FROM positions ORDER BY id;
BEGIN;
SET CONSTRAINTS positions_pos_key DEFERRED;
UPDATE positions SET pos = 1 WHERE id = 3;
COMMIT;
SELECT id, pos FROM positions ORDER BY id;
