-- CREATE TABLE / DROP TABLE
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email varchar(255) NOT NULL,
    full_name text,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamp NOT NULL DEFAULT '2024-01-01 00:00:00'
);
CREATE TABLE users (id int);
CREATE TABLE IF NOT EXISTS users (id int);
CREATE TABLE IF NOT EXISTS teams (
    id serial PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE "MixedCase" ("Id" int, "select" text, "with space" int);
INSERT INTO "MixedCase" VALUES (1, 'reserved word column', 2);
SELECT "Id", "select", "with space" FROM "MixedCase";
SELECT * FROM MixedCase;
SELECT id FROM "MixedCase";
CREATE TABLE mixedcase (id int);
SELECT count(*) FROM MiXeDcAsE;
CREATE TABLE t_no_columns ();
SELECT * FROM t_no_columns;
INSERT INTO t_no_columns DEFAULT VALUES;
SELECT count(*) FROM t_no_columns;
CREATE TABLE dup_cols (a int, a text);
CREATE TABLE bad_type (a nosuchtype);
CREATE TABLE two_pks (a int PRIMARY KEY, b int PRIMARY KEY);
CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY);
CREATE TEMP TABLE scratch (k int PRIMARY KEY, v text);
INSERT INTO scratch VALUES (1, 'temp row');
SELECT * FROM scratch;
CREATE TABLE copy_of_users AS SELECT id, email FROM users WHERE false;
CREATE TABLE numbers AS SELECT g AS n, g * g AS sq FROM generate_series(1, 5) g;
SELECT * FROM numbers ORDER BY n;
SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'numbers' ORDER BY ordinal_position;
CREATE TABLE numbers_like (LIKE numbers);
CREATE TABLE users_like (LIKE users INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO users_like (id, email) VALUES (1, 'x@example.com') RETURNING id, is_active, created_at;
SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;
SELECT column_name, data_type, character_maximum_length, column_default, is_nullable FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position;
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'users' AND a.attnum > 0 ORDER BY a.attnum;
-- DROP TABLE
DROP TABLE numbers_like;
DROP TABLE numbers_like;
DROP TABLE IF EXISTS numbers_like;
DROP TABLE IF EXISTS never_existed, numbers;
SELECT * FROM numbers;
DROP TABLE copy_of_users, users_like;
DROP TABLE "MixedCase", mixedcase, t_no_columns;
DROP TABLE users CASCADE;
DROP TABLE teams RESTRICT;
SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;
-- a table dropped and recreated with a different shape
CREATE TABLE things (id int PRIMARY KEY, name text);
INSERT INTO things VALUES (1, 'old');
DROP TABLE things;
CREATE TABLE things (id int PRIMARY KEY, label varchar(10), qty int DEFAULT 0);
INSERT INTO things (id, label) VALUES (1, 'new');
SELECT * FROM things;
SELECT name FROM things;
CREATE TABLE pg_catalog.evil (id int);
CREATE TABLE public.qualified (id int);
SELECT * FROM public.qualified;
DROP TABLE public.qualified;
CREATE TABLE "public"."quoted_qualified" ("id" integer NOT NULL, "label" character varying(20));
INSERT INTO "public"."quoted_qualified" ("id", "label") VALUES (1, 'q');
SELECT "quoted_qualified"."id", "quoted_qualified"."label" FROM "public"."quoted_qualified";
