-- enum types: CREATE TYPE AS ENUM, comparisons by sort order, ORDER BY, indexes, casts
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE person (name text PRIMARY KEY, current_mood mood NOT NULL);
INSERT INTO person VALUES ('Moe', 'happy'), ('Larry', 'sad'), ('Curly', 'ok'), ('Shemp', 'happy');
SELECT name, current_mood::text FROM person ORDER BY current_mood, name;
SELECT name, current_mood::text FROM person ORDER BY current_mood DESC, name;
SELECT name FROM person WHERE current_mood > 'sad' ORDER BY name;
SELECT name FROM person WHERE current_mood = 'happy' ORDER BY name;
SELECT name FROM person WHERE current_mood IN ('ok', 'sad') ORDER BY name;
SELECT min(current_mood::text), count(*) FROM person;
SELECT min(current_mood)::text, max(current_mood)::text FROM person;
SELECT current_mood::text, count(*) FROM person GROUP BY current_mood ORDER BY current_mood;
SELECT 'happy'::mood > 'sad'::mood, 'ok'::mood < 'sad'::mood, 'ok'::mood = 'ok'::mood;
SELECT 'x'::mood;
INSERT INTO person VALUES ('Joe', 'angry');
SELECT 'happy'::mood::text, 'ok'::text::mood::text, pg_typeof('ok'::mood);
SELECT enum_first(NULL::mood)::text, enum_last(NULL::mood)::text;
SELECT enum_range(NULL::mood)::text;
SELECT enum_range('ok'::mood, NULL)::text, enum_range(NULL, 'ok'::mood)::text, enum_range('ok'::mood, 'happy'::mood)::text;
SELECT ARRAY['sad', 'happy']::mood[]::text[];
SELECT (ARRAY['sad', 'happy']::mood[])[2]::text;
SELECT greatest('sad'::mood, 'happy'::mood, 'ok'::mood)::text, least('sad'::mood, 'happy'::mood)::text;
-- an enum primary key and a secondary index
CREATE TABLE moods (m mood PRIMARY KEY, note text);
INSERT INTO moods VALUES ('happy', 'h'), ('sad', 's'), ('ok', 'o');
SELECT m::text, note FROM moods ORDER BY m;
SELECT m::text, note FROM moods WHERE m >= 'ok' ORDER BY m;
SELECT note FROM moods WHERE m = 'ok';
INSERT INTO moods VALUES ('ok', 'dup');
CREATE INDEX person_mood_idx ON person (current_mood);
SELECT name FROM person WHERE current_mood <= 'ok' ORDER BY current_mood, name;
-- ALTER TYPE ... ADD VALUE / RENAME VALUE
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';
ALTER TYPE mood ADD VALUE 'despair' BEFORE 'sad';
ALTER TYPE mood ADD VALUE 'fine';
SELECT enum_range(NULL::mood)::text;
SELECT enumlabel, enumsortorder FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder;
ALTER TYPE mood ADD VALUE 'ok';
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';
ALTER TYPE mood ADD VALUE 'x' BEFORE 'nope';
ALTER TYPE mood RENAME VALUE 'meh' TO 'so-so';
ALTER TYPE mood RENAME VALUE 'nope' TO 'x';
ALTER TYPE mood RENAME VALUE 'ok' TO 'happy';
SELECT 'so-so'::mood < 'ok'::mood, 'so-so'::mood > 'sad'::mood;
INSERT INTO person VALUES ('Zed', 'so-so');
SELECT name, current_mood::text FROM person ORDER BY current_mood, name;
-- RENAME VALUE rewrites stored values: keys, indexes, arrays, composites, foreign keys
CREATE TYPE lvl AS ENUM ('low', 'mid', 'high');
CREATE TYPE lvl_pair AS (a lvl, n int);
CREATE TABLE lvl_parent (l lvl PRIMARY KEY, note text);
CREATE TABLE lvl_child (id int PRIMARY KEY, l lvl REFERENCES lvl_parent, ls lvl[], lp lvl_pair);
CREATE INDEX lvl_child_l ON lvl_child (l);
INSERT INTO lvl_parent VALUES ('low', 'l'), ('mid', 'm'), ('high', 'h');
INSERT INTO lvl_child VALUES (1, 'mid', '{mid,low,mid}', ROW('mid', 1)), (2, 'low', NULL, ROW(NULL, 2)), (3, 'mid', '{high}', NULL);
ALTER TYPE lvl RENAME VALUE 'mid' TO 'medium';
SELECT l::text, note FROM lvl_parent ORDER BY l;
SELECT id, l::text, ls::text, lp::text FROM lvl_child ORDER BY id;
SELECT id FROM lvl_child WHERE l = 'medium' ORDER BY id;
SELECT note FROM lvl_parent WHERE l = 'medium';
SELECT 'mid'::lvl;
INSERT INTO lvl_child VALUES (4, 'medium', NULL, NULL);
DELETE FROM lvl_parent WHERE l = 'medium';
DROP TABLE lvl_child, lvl_parent;
DROP TYPE lvl_pair, lvl;
-- catalog
SELECT t.typname, t.typtype, t.typcategory, t.typlen, t.typbyval, a.typname AS array_name, a.typelem = t.oid AS elem_ok
FROM pg_type t JOIN pg_type a ON a.oid = t.typarray WHERE t.typname = 'mood';
SELECT format_type('mood'::regtype, NULL), format_type('_mood'::regtype, NULL), 'mood[]'::regtype;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'person'::regclass AND attnum > 0 ORDER BY attnum;
-- schemas and errors
CREATE TYPE mood AS ENUM ('a');
CREATE TABLE mood (x int);
CREATE SCHEMA s;
CREATE TYPE s.color AS ENUM ('red', 'green');
SELECT 'red'::s.color::text;
SELECT 'red'::color::text;
SET search_path = s, public;
SELECT 'green'::color::text, format_type('s.color'::regtype, NULL);
RESET search_path;
SELECT format_type('s.color'::regtype, NULL);
ALTER TYPE s.color RENAME TO colour;
SELECT 'red'::s.colour::text;
ALTER TYPE s.colour SET SCHEMA public;
SELECT 'green'::colour::text;
CREATE TYPE empty_enum AS ENUM ();
SELECT enum_range(NULL::empty_enum)::text, enum_first(NULL::empty_enum)::text;
-- DROP TYPE
DROP TYPE nosuch;
DROP TYPE IF EXISTS nosuch;
DROP TYPE mood;
DROP TYPE mood RESTRICT;
DROP TABLE moods;
DROP TYPE mood CASCADE;
SELECT * FROM person ORDER BY name;
DROP TYPE colour, empty_enum;
SELECT count(*) FROM pg_type WHERE typname IN ('mood', '_mood', 'colour', 'empty_enum');
