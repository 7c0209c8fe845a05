-- boolean literals and their text output
SELECT true, false, NULL::boolean;
SELECT TRUE AS t, FALSE AS f;
SELECT 't'::boolean, 'f'::boolean, 'yes'::boolean, 'no'::boolean, 'on'::boolean, 'off'::boolean;
SELECT '1'::boolean, '0'::boolean, 'TRUE'::boolean, ' false '::boolean, 'y'::bool, 'n'::bool;
SELECT CAST('true' AS boolean) AS a, CAST('of' AS boolean) AS b;
SELECT pg_typeof(true), pg_typeof('t'::bool);
-- casts from and to boolean
SELECT 1::boolean, 0::boolean, 5::boolean;
SELECT true::int, false::int;
SELECT true::text, false::varchar, true::char(5);
SELECT 'maybe'::boolean;
SELECT ''::boolean;
SELECT 1::bigint::boolean;
SELECT 1.0::numeric::boolean;
-- operators
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::boolean;
SELECT true = false, true <> false, true > false, false < true;
SELECT true IS TRUE, NULL::bool IS TRUE, NULL::bool IS NOT TRUE, false IS FALSE, NULL::bool IS UNKNOWN;
SELECT true IS DISTINCT FROM NULL, NULL::bool IS NOT DISTINCT FROM NULL;
-- a table with boolean columns, the way ORMs write them
CREATE TABLE feature_flags (
    id serial PRIMARY KEY,
    name varchar(50) NOT NULL,
    enabled boolean NOT NULL DEFAULT false,
    beta boolean
);
INSERT INTO feature_flags (name, enabled, beta) VALUES ('dark_mode', true, NULL), ('search_v2', false, true), ('exports', 't', 'no');
INSERT INTO feature_flags (name) VALUES ('audit_log') RETURNING id, name, enabled, beta;
SELECT id, name FROM feature_flags WHERE enabled ORDER BY id;
SELECT id, name FROM feature_flags WHERE NOT enabled ORDER BY id;
SELECT id, name FROM feature_flags WHERE beta IS NOT TRUE ORDER BY id;
SELECT "feature_flags"."id", "feature_flags"."enabled" FROM "feature_flags" WHERE "feature_flags"."enabled" = true;
SELECT enabled, count(*) FROM feature_flags GROUP BY enabled ORDER BY enabled;
SELECT bool_and(enabled), bool_or(enabled), every(enabled) FROM feature_flags;
UPDATE feature_flags SET enabled = NOT enabled WHERE name = 'exports';
SELECT name, enabled FROM feature_flags ORDER BY enabled DESC, name;
INSERT INTO feature_flags (name, enabled) VALUES ('bad', 'perhaps');
INSERT INTO feature_flags (name, enabled) VALUES ('bad', 2);
SELECT max(enabled::int), min(beta::int) FROM feature_flags;
