-- ALTER TABLE: columns
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    username varchar(30) NOT NULL,
    balance int
);
INSERT INTO accounts (username, balance) VALUES ('ann', 100), ('bob', NULL), ('cid', 30);
ALTER TABLE accounts ADD COLUMN email text;
SELECT * FROM accounts ORDER BY id;
ALTER TABLE accounts ADD COLUMN status varchar(10) NOT NULL DEFAULT 'active';
SELECT id, status FROM accounts ORDER BY id;
ALTER TABLE accounts ADD COLUMN tier int NOT NULL;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE accounts ADD COLUMN email text;
ALTER TABLE accounts ADD COLUMN created_on date DEFAULT '2024-06-01', ADD COLUMN score numeric(5, 1) DEFAULT 0;
SELECT id, created_on, score FROM accounts ORDER BY id;
ALTER TABLE accounts ADD notes text;
ALTER TABLE accounts DROP COLUMN notes;
ALTER TABLE accounts DROP COLUMN notes;
ALTER TABLE accounts DROP COLUMN IF EXISTS notes;
ALTER TABLE accounts DROP COLUMN id;
SELECT * FROM accounts ORDER BY username;
ALTER TABLE accounts RENAME COLUMN username TO login;
SELECT login FROM accounts ORDER BY login;
SELECT username FROM accounts;
ALTER TABLE accounts RENAME COLUMN nope TO other;
ALTER TABLE accounts RENAME COLUMN login TO email;
-- ALTER COLUMN
ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;
SELECT login, balance, pg_typeof(balance) FROM accounts ORDER BY login;
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(10, 2);
SELECT login, balance FROM accounts ORDER BY login;
ALTER TABLE accounts ALTER COLUMN login TYPE varchar(2);
ALTER TABLE accounts ALTER COLUMN login TYPE varchar(100);
ALTER TABLE accounts ALTER COLUMN status TYPE int;
ALTER TABLE accounts ALTER COLUMN status TYPE int USING (CASE WHEN status = 'active' THEN 1 ELSE 0 END);
ALTER TABLE accounts ALTER COLUMN status DROP DEFAULT;
ALTER TABLE accounts ALTER COLUMN status TYPE int USING (CASE WHEN status = 'active' THEN 1 ELSE 0 END);
SELECT login, status, pg_typeof(status) FROM accounts ORDER BY login;
ALTER TABLE accounts ALTER COLUMN status TYPE varchar(10);
SELECT login, status FROM accounts ORDER BY login;
ALTER TABLE accounts ALTER COLUMN balance SET DEFAULT 0;
INSERT INTO accounts (login, status) VALUES ('dee', 1) RETURNING login, balance, status, created_on, score;
ALTER TABLE accounts ALTER COLUMN balance DROP DEFAULT;
INSERT INTO accounts (login, status) VALUES ('eve', 1) RETURNING balance;
ALTER TABLE accounts ALTER COLUMN balance SET NOT NULL;
UPDATE accounts SET balance = 0 WHERE balance IS NULL;
ALTER TABLE accounts ALTER COLUMN balance SET NOT NULL;
INSERT INTO accounts (login, status) VALUES ('fay', 1);
ALTER TABLE accounts ALTER COLUMN balance DROP NOT NULL;
INSERT INTO accounts (login, status) VALUES ('fay', 1);
ALTER TABLE accounts ALTER COLUMN email SET DATA TYPE varchar(200);
ALTER TABLE accounts ALTER email SET DEFAULT 'unknown@example.com';
INSERT INTO accounts (login, status) VALUES ('gus', 0) RETURNING email;
ALTER TABLE accounts ALTER COLUMN nope SET NOT NULL;
SELECT column_name, data_type, column_default, is_nullable FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position;
-- RENAME TO
ALTER TABLE accounts RENAME TO members;
SELECT count(*) FROM members;
SELECT count(*) FROM accounts;
ALTER TABLE IF EXISTS accounts RENAME TO whatever;
ALTER TABLE no_such_table ADD COLUMN x int;
CREATE TABLE other (id int);
ALTER TABLE members RENAME TO other;
-- several subcommands in one statement, like migration tools emit
ALTER TABLE members ADD COLUMN nickname text, ALTER COLUMN score SET DEFAULT 5, DROP COLUMN created_on;
INSERT INTO members (login, status, nickname) VALUES ('hal', 1, 'H') RETURNING login, score, nickname;
SELECT column_name FROM information_schema.columns WHERE table_name = 'members' ORDER BY ordinal_position;
ALTER TABLE members ADD COLUMN big_default bigint DEFAULT 2 * 21;
SELECT DISTINCT big_default FROM members;
