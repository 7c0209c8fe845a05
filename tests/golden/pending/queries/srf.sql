-- set-returning functions in FROM and in the select list, WITH ORDINALITY
SELECT * FROM generate_series(1, 5);
SELECT * FROM generate_series(1, 10, 3) AS g(n);
SELECT g FROM generate_series(5, 1, -2) g;
SELECT * FROM generate_series(1, 0);
SELECT generate_series(1, 3);
SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b;
SELECT * FROM generate_series(0.5, 2.0, 0.5);
SELECT * FROM generate_series(timestamp '2024-01-30', timestamp '2024-02-02', interval '1 day');
SELECT * FROM generate_series(timestamptz '2024-03-09 00:00+00', timestamptz '2024-03-09 03:00+00', interval '1 hour');
SELECT d::date FROM generate_series(date '2024-01-29', date '2024-02-03', interval '2 days') d;
SELECT pg_typeof(g) FROM generate_series(1::int8, 2::int8) g LIMIT 1;
SELECT * FROM generate_series(1, 5, 0);
SELECT * FROM generate_series(1, 3) WITH ORDINALITY;
SELECT * FROM generate_series(10, 30, 10) WITH ORDINALITY AS t(val, idx);
SELECT n, idx FROM generate_series(3, 1, -1) WITH ORDINALITY t(n, idx) ORDER BY idx;
-- unnest
SELECT * FROM unnest(ARRAY['a', 'b', 'c']);
SELECT * FROM unnest(ARRAY['a', 'b', 'c']) WITH ORDINALITY AS t(letter, pos);
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) AS t(num, letter);
SELECT unnest(ARRAY[1, 2]), unnest(ARRAY['a', 'b', 'c']);
SELECT unnest('{}'::int[]);
SELECT unnest(NULL::int[]);
SELECT * FROM unnest(ARRAY[[1, 2], [3, 4]]) u;
SELECT x, count(*) FROM unnest(ARRAY[1, 1, 2, NULL]) x GROUP BY x ORDER BY x NULLS FIRST;
-- JSON set-returning functions
SELECT * FROM jsonb_array_elements('[1, "two", {"three": 3}, null, [4]]');
SELECT value, jsonb_typeof(value) FROM jsonb_array_elements('[1, "two", {"three": 3}, null]') WITH ORDINALITY ORDER BY ordinality;
SELECT * FROM jsonb_array_elements_text('["a", 1, null, true, {"k": "v"}]') WITH ORDINALITY AS e(val, n);
SELECT * FROM jsonb_each('{"b": 2, "a": {"nested": true}, "c": null}');
SELECT key, value FROM jsonb_each_text('{"b": 2, "a": "x", "c": null}') ORDER BY key;
SELECT * FROM json_each('{"b": 2, "a": 1}');
SELECT * FROM jsonb_object_keys('{"z": 1, "a": 2, "m": {"x": 1}}');
SELECT * FROM jsonb_to_record('{"id": 1, "name": "ann", "extra": true}') AS r(id int, name text, missing date);
SELECT * FROM jsonb_to_recordset('[{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}]') AS r(id int, tags jsonb);
SELECT * FROM json_array_elements('[1, [2], {"3": 3}]');
SELECT * FROM jsonb_array_elements('{"not": "an array"}');
SELECT * FROM jsonb_each('[1, 2]');
SELECT * FROM jsonb_path_query('{"items": [{"p": 1}, {"p": 5}, {"p": 10}]}', '$.items[*] ? (@.p > 2).p');
-- SRFs joined laterally to tables
CREATE TABLE orders (id int PRIMARY KEY, items jsonb NOT NULL, tags text[]);
INSERT INTO orders VALUES (1, '[{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]', '{rush,gift}'), (2, '[{"sku": "A", "qty": 5}]', '{}'), (3, '[]', NULL);
SELECT o.id, item->>'sku' AS sku, (item->>'qty')::int AS qty FROM orders o, jsonb_array_elements(o.items) AS item ORDER BY o.id, sku;
SELECT o.id, e.ordinality, e.value->>'sku' FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.items) WITH ORDINALITY e ORDER BY o.id, e.ordinality;
SELECT o.id, item FROM orders o LEFT JOIN LATERAL jsonb_array_elements(o.items) item ON true ORDER BY o.id, item->>'sku';
SELECT item->>'sku' AS sku, sum((item->>'qty')::int) FROM orders, jsonb_array_elements(items) item GROUP BY 1 ORDER BY 1;
SELECT o.id, t.tag, t.n FROM orders o, unnest(o.tags) WITH ORDINALITY AS t(tag, n) ORDER BY o.id, t.n;
SELECT o.id, g FROM orders o, generate_series(1, o.id) g ORDER BY o.id, g;
SELECT id, jsonb_array_length(items), (SELECT count(*) FROM jsonb_array_elements(items)) FROM orders ORDER BY id;
-- ROWS FROM and other SRFs
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) AS t(n, s);
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(10, 12)) WITH ORDINALITY;
SELECT * FROM generate_subscripts(ARRAY['a', 'b', 'c'], 1) s;
SELECT * FROM regexp_split_to_table('a,b,,c', ',') WITH ORDINALITY;
SELECT * FROM string_to_table('x|y|z', '|');
SELECT generate_series(1, 3) WHERE false;
SELECT count(*) FROM generate_series(1, 100000);
-- errors
SELECT * FROM generate_series(1, 'a');
SELECT * FROM generate_series('2024-01-01', '2024-01-02', '1 day');
SELECT * FROM unnest(1);
SELECT * FROM jsonb_array_elements(NULL::jsonb);
SELECT sum(generate_series(1, 3));
SELECT * FROM generate_series(1, 3) WHERE generate_series(1, 2) > 0;
