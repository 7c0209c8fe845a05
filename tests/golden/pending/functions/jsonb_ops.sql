-- jsonb operators: -> ->> #> #>> @> <@ ? ?| ?& || - #-
CREATE TABLE docs (id int PRIMARY KEY, body jsonb);
INSERT INTO docs VALUES
    (1, '{"name": "ann", "age": 41, "tags": ["admin", "dev"], "address": {"city": "Oslo", "zip": "0150"}, "active": true}'),
    (2, '{"name": "bob", "age": null, "tags": ["dev"], "address": {"city": "Rome"}, "scores": [10, 20, 30]}'),
    (3, '{"name": "cid", "tags": [], "nested": {"a": {"b": {"c": 42}}}}'),
    (4, '[1, "two", {"three": 3}]'),
    (5, '"just a string"'),
    (6, NULL);
SELECT id, body -> 'name', body ->> 'name', pg_typeof(body -> 'name'), pg_typeof(body ->> 'name') FROM docs WHERE id = 1;
SELECT id, body -> 'age', body ->> 'age', body -> 'missing', body ->> 'missing' FROM docs ORDER BY id;
SELECT id, body -> 'tags' -> 0, body -> 'tags' ->> 1, body -> 'tags' -> -1, body #> '{tags,0}' FROM docs ORDER BY id;
SELECT body -> 0, body -> 1, body ->> 1, body -> 2 -> 'three', body -> 5, body -> -1 FROM docs WHERE id = 4;
SELECT body -> 'a', body ->> 0 FROM docs WHERE id = 5;
SELECT id, body #> '{address,city}', body #>> '{address,city}', body #> '{address}', body #>> '{nested,a,b,c}' FROM docs ORDER BY id;
SELECT body #> '{}', body #>> '{scores,2}', body #> '{scores,9}', body #> ARRAY['address', 'zip'] FROM docs WHERE id = 2;
SELECT (body ->> 'age')::int + 1, (body -> 'age')::int, (body #>> '{nested,a,b,c}')::numeric * 2 FROM docs WHERE id IN (1, 3) ORDER BY id;
SELECT (body -> 'name')::text, (body ->> 'name')::text FROM docs WHERE id = 1;
SELECT (body -> 'name')::int FROM docs WHERE id = 1;
-- containment
SELECT id FROM docs WHERE body @> '{"name": "ann"}' ORDER BY id;
SELECT id FROM docs WHERE body @> '{"tags": ["dev"]}' ORDER BY id;
SELECT id FROM docs WHERE body @> '{"address": {"city": "Rome"}}' ORDER BY id;
SELECT id FROM docs WHERE body @> '{}' ORDER BY id;
SELECT id FROM docs WHERE body @> '[1]' ORDER BY id;
SELECT id FROM docs WHERE '{"name": "bob"}' <@ body ORDER BY id;
SELECT '[1, 2, 3]'::jsonb @> '[3, 1]', '[1, 2, 3]'::jsonb @> '[[1]]', '{"a": [1, 2]}'::jsonb @> '{"a": [2]}', '"x"'::jsonb @> '"x"', '[1, [2, 3]]'::jsonb @> '[[3]]', '1'::jsonb @> '[1]', '[1]'::jsonb @> '1';
-- key existence
SELECT id FROM docs WHERE body ? 'scores' ORDER BY id;
SELECT id FROM docs WHERE body ?| ARRAY['scores', 'nested'] ORDER BY id;
SELECT id FROM docs WHERE body ?& ARRAY['name', 'tags', 'address'] ORDER BY id;
SELECT id FROM docs WHERE body -> 'tags' ? 'admin' ORDER BY id;
SELECT '["a", "b"]'::jsonb ? 'a', '{"a": null}'::jsonb ? 'a', '"a"'::jsonb ? 'a', '[1]'::jsonb ? '1', '{"a": 1}'::jsonb ?| '{}';
-- concatenation and deletion
SELECT '{"a": 1}'::jsonb || '{"b": 2}', '{"a": 1}'::jsonb || '{"a": 2}', '[1, 2]'::jsonb || '[3]', '[1]'::jsonb || '2', '{"a": 1}'::jsonb || '[1]', '"x"'::jsonb || '"y"';
SELECT '{"a": {"x": 1}}'::jsonb || '{"a": {"y": 2}}';
SELECT '{"a": 1, "b": 2}'::jsonb - 'a', '{"a": 1}'::jsonb - 'zz', '["a", "b", "a"]'::jsonb - 'a', '[1, 2, 3]'::jsonb - 1, '[1, 2, 3]'::jsonb - -1, '{"a": 1, "b": 2, "c": 3}'::jsonb - ARRAY['a', 'c'];
SELECT '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}', '[1, [2, 3]]'::jsonb #- '{1,0}', '{"a": 1}'::jsonb #- '{x,y}';
SELECT '"scalar"'::jsonb - 'a';
SELECT '{"a": 1}'::jsonb - 0;
-- comparison and ordering
SELECT '{"a": 1}'::jsonb = '{"a": 1.0}', '[1, 2]'::jsonb = '[1, 2]', '{"a": 1, "b": 2}'::jsonb <> '{"b": 2, "a": 1}', 'null'::jsonb = 'null';
SELECT id, body FROM docs WHERE id IN (3, 4, 5) ORDER BY body;
SELECT x FROM (VALUES ('1'::jsonb), ('"a"'), ('null'), ('true'), ('[]'), ('{}'), ('[1]'), ('{"a":1}'), ('false'), ('-1.5')) v(x) ORDER BY x;
-- updates with operators
UPDATE docs SET body = body || '{"age": 42}' WHERE id = 1 RETURNING body -> 'age';
UPDATE docs SET body = body - 'active' WHERE body ? 'active' RETURNING id;
UPDATE docs SET body = jsonb_set(body, '{tags}', (body -> 'tags') || '"ops"') WHERE id = 2 RETURNING body -> 'tags';
UPDATE docs SET body = body #- '{address,zip}' WHERE id = 1 RETURNING body -> 'address';
SELECT id, jsonb_array_length(body -> 'tags') FROM docs WHERE jsonb_typeof(body -> 'tags') = 'array' ORDER BY id;
SELECT tag, count(*) FROM docs, jsonb_array_elements_text(body -> 'tags') tag WHERE jsonb_typeof(body) = 'object' GROUP BY tag ORDER BY tag;
-- expression index on a jsonb path and containment queries, as ORMs generate them
CREATE INDEX docs_name_idx ON docs ((body ->> 'name'));
CREATE INDEX docs_body_gin ON docs USING gin (body);
SELECT id FROM docs WHERE body ->> 'name' = 'bob';
SELECT "docs"."id" FROM "docs" WHERE ("docs"."body" -> 'address' ->> 'city') = 'Oslo';
SELECT id FROM docs WHERE body @> '{"tags": ["dev", "ops"]}';
-- errors
SELECT '{"a": 1}'::jsonb -> 1.5;
SELECT '{"a": 1}'::json @> '{"a": 1}';
SELECT '{"a": 1}'::jsonb ? 1;
SELECT '{"a": 1}'::jsonb #> 'a';
SELECT '{"a": 1}'::jsonb || 1;
SELECT '{"a": 1}'::jsonb + '{"b": 1}'::jsonb;
