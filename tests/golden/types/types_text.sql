-- text, varchar(n), char(n)
SELECT 'hello'::text, 'hello'::varchar, 'hello'::varchar(10), 'hello'::char(8), 'hello'::character varying(3);
SELECT pg_typeof('x'), pg_typeof('x'::text), pg_typeof('x'::varchar(5)), pg_typeof('x'::char(3)), pg_typeof('x'::name);
SELECT 'abc'::char, 'abc'::character(1), 'a'::char(3) = 'a'::char(3), 'a '::char(3) = 'a'::char(3);
SELECT length('ab  '::char(5)), length('ab  '::varchar(5)), octet_length('ab'::char(5)), 'ab'::char(5) || 'c';
SELECT 'Ünïcödé ✓'::text, length('Ünïcödé ✓'), octet_length('Ünïcödé ✓');
SELECT 'it''s', E'tab\there', E'new\nline', E'\\backslash', 'no\escape';
SELECT $$dollar 'quoted'$$, $tag$with $$ inside$tag$;
SELECT U&'d\0061t\+000061';
SELECT '' = ''::text, ''::text IS NULL, length('');
SELECT 'abc' < 'abd', 'B' < 'a', 'abc' = 'ABC', 'a' || NULL, concat('a', NULL);
-- explicit cast truncates, assignment errors
SELECT 'too long value'::varchar(5), CAST('too long' AS char(3));
CREATE TABLE contacts (
    id int PRIMARY KEY,
    code char(4),
    name varchar(10) NOT NULL,
    bio text
);
INSERT INTO contacts VALUES (1, 'AB', 'Alice', 'Likes SQL');
INSERT INTO contacts VALUES (2, 'ABCD', 'Bob', NULL);
INSERT INTO contacts VALUES (3, 'ABCDE', 'Carol', NULL);
INSERT INTO contacts VALUES (4, 'XY', 'A name that is too long', NULL);
INSERT INTO contacts VALUES (5, 'Z', 'Trailing      ', 'ok');
INSERT INTO contacts VALUES (6, 'Q  ', 'Dan', E'multi\nline');
SELECT id, code, name, bio FROM contacts ORDER BY id;
SELECT id, length(code), length(name), code || '|' AS code_bar FROM contacts ORDER BY id;
SELECT id FROM contacts WHERE code = 'AB';
SELECT id FROM contacts WHERE code = 'AB  ';
SELECT id FROM contacts WHERE name = 'Trailing';
SELECT id, name::char(3) FROM contacts ORDER BY id;
UPDATE contacts SET name = 'Robert the Great' WHERE id = 2;
UPDATE contacts SET name = 'Robert' WHERE id = 2 RETURNING name, pg_typeof(name);
SELECT upper(name), lower(name), initcap(bio) FROM contacts WHERE id = 1;
SELECT name FROM contacts ORDER BY name;
SELECT max(name), min(code), string_agg(name, ', ' ORDER BY id) FROM contacts;
-- casts to and from text
SELECT 123::text, 1.50::text, true::text, '2024-01-02'::date::text, NULL::int::text;
SELECT '42'::text::int + 1, '3.5'::varchar::numeric, 'true'::text::boolean;
SELECT 42::varchar(1);
SELECT 12345::char(2);
SELECT 'x'::text::int;
SELECT 'abc' + 1;
SELECT 'abc'::text + 1;
SELECT 'name'::name, pg_typeof('name'::name || 'x');
SELECT repeat('ab', 3), length(repeat('x', 10000));
SELECT 'a' || 1 || true || 2.5, 1 || 'a';
