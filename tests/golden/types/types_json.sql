-- json keeps the input text, jsonb normalizes it
SELECT '{"b": 1, "a": [1, 2.50, "x"], "a": null}'::json, '{"b": 1, "a": [1, 2.50, "x"], "a": null}'::jsonb;
SELECT '  {"key" :   "value"}  '::json, '  {"key" :   "value"}  '::jsonb;
SELECT 'null'::jsonb, 'true'::jsonb, '"str"'::jsonb, '12.3400'::jsonb, '1e3'::jsonb, '[]'::jsonb, '{}'::jsonb;
SELECT pg_typeof('{}'::json), pg_typeof('{}'::jsonb), pg_typeof('{}'::jsonb -> 'a');
SELECT '{"a": "\u00e9\n"}'::jsonb, '"\u0041"'::json, '["a\"b"]'::jsonb;
SELECT '{"a": 1,}'::jsonb;
SELECT '{bad json}'::json;
SELECT ''::jsonb;
SELECT '[1, 2'::jsonb;
SELECT '{"nested": {"deep": {"deeper": [1, {"x": true}]}}}'::jsonb;
SELECT '{"a":1}'::jsonb = '{ "a" : 1 }'::jsonb, '[1,2]'::jsonb = '[2,1]'::jsonb, '{"a":1,"b":2}'::jsonb = '{"b":2,"a":1}'::jsonb;
SELECT '{"a":1}'::json = '{"a":1}'::json;
SELECT '1.0'::jsonb = '1'::jsonb, '{"a": 1.10}'::jsonb;
SELECT '{"a":1}'::jsonb::text, '{"a":1}'::json::jsonb, '{"b":1, "a":2}'::jsonb::json, '"hello"'::jsonb::text;
SELECT '123'::jsonb::int, '12.5'::jsonb::numeric, 'true'::jsonb::boolean, '1.5'::jsonb::float8;
SELECT '"123"'::jsonb::int;
SELECT '{"a":1}'::jsonb::int;
SELECT to_json('text'::text), to_jsonb(42), to_jsonb(1.50), to_jsonb(true), to_jsonb(NULL::text), to_jsonb('2024-01-02'::date);
SELECT to_jsonb(ARRAY[1, 2, 3]), to_jsonb(ARRAY['a', NULL]), to_jsonb(timestamp '2024-01-02 03:04:05'), to_json('a"b'::text);
SELECT row_to_json(r), to_jsonb(r) FROM (SELECT 1 AS id, 'x' AS name, NULL::int AS missing) r;
SELECT json_build_object('a', 1, 'b', 'two'), jsonb_build_object('b', 1, 'a', 'two'), json_build_array(1, 'a', NULL), jsonb_build_array();
SELECT '{"a":1}'::jsonb < '{"a":2}'::jsonb, '[1]'::jsonb < '{}'::jsonb, 'null'::jsonb < 'true'::jsonb;
CREATE TABLE documents (
    id int PRIMARY KEY,
    raw json,
    body jsonb NOT NULL DEFAULT '{}'
);
INSERT INTO documents VALUES (1, '{"z": 1, "a": 2}', '{"z": 1, "a": 2}'), (2, '[1, 2, 3]', '[1, 2, 3]'), (3, NULL, '{"tags": ["x", "y"], "meta": {"owner": "ann"}}');
INSERT INTO documents (id, raw) VALUES (4, '"just a string"');
INSERT INTO documents (id, body) VALUES (5, '{broken');
SELECT id, raw, body FROM documents ORDER BY id;
SELECT id, jsonb_typeof(body), json_typeof(raw) FROM documents ORDER BY id;
SELECT id FROM documents WHERE body = '{"a": 2, "z": 1}';
SELECT id FROM documents WHERE raw = '{"z": 1, "a": 2}';
SELECT body, count(*) FROM documents GROUP BY body ORDER BY body;
UPDATE documents SET body = body || '{"updated": true}' WHERE id = 1 RETURNING body;
SELECT DISTINCT body FROM documents WHERE jsonb_typeof(body) = 'object' ORDER BY body;
