-- array functions and operators in queries
CREATE TABLE articles (id int PRIMARY KEY, title text NOT NULL, tags text[] NOT NULL DEFAULT '{}', ratings int[], authors int[]);
INSERT INTO articles VALUES
    (1, 'Intro to SQL', '{sql,beginner}', '{5,4,5}', '{1}'),
    (2, 'Window functions', '{sql,advanced,analytics}', '{5}', '{1,2}'),
    (3, 'JSON in Postgres', '{json,sql}', NULL, '{2,3}'),
    (4, 'Untagged', '{}', '{}', NULL),
    (5, 'NULL tag', ARRAY[NULL, 'x'], '{1,NULL,3}', '{3}');
SELECT id, tags, cardinality(tags), array_length(tags, 1), array_upper(tags, 1) FROM articles ORDER BY id;
SELECT id FROM articles WHERE 'sql' = ANY(tags) ORDER BY id;
SELECT id FROM articles WHERE NOT ('sql' = ANY(tags)) ORDER BY id;
SELECT id FROM articles WHERE 'sql' <> ALL(tags) ORDER BY id;
SELECT id FROM articles WHERE tags @> '{sql,advanced}' ORDER BY id;
SELECT id FROM articles WHERE tags <@ '{sql,json,beginner,advanced,analytics}' ORDER BY id;
SELECT id FROM articles WHERE tags && ARRAY['json', 'beginner'] ORDER BY id;
SELECT id FROM articles WHERE tags = '{}' ORDER BY id;
SELECT id FROM articles WHERE cardinality(tags) = 0 ORDER BY id;
SELECT id FROM articles WHERE 2 = ANY(authors) ORDER BY id;
SELECT id, tags[1], tags[2:], tags[array_upper(tags, 1)] FROM articles ORDER BY id;
SELECT id, ratings, (SELECT avg(r) FROM unnest(ratings) r) AS avg_rating, (SELECT max(r) FROM unnest(ratings) r) FROM articles ORDER BY id;
SELECT id, array_to_string(tags, ', '), array_to_string(tags, ', ', '?') FROM articles ORDER BY id;
SELECT id, array_position(tags, 'sql'), array_positions(ratings, 5), array_remove(tags, 'sql'), array_replace(ratings, 5, 50) FROM articles ORDER BY id;
SELECT id, array_append(tags, 'new'), array_prepend('first', tags), array_cat(tags, ARRAY['a', 'b']), tags || 'z'::text FROM articles WHERE id IN (1, 4) ORDER BY id;
SELECT tag, count(*) AS n FROM articles, unnest(tags) AS tag WHERE tag IS NOT NULL GROUP BY tag ORDER BY n DESC, tag;
SELECT array_agg(DISTINCT tag ORDER BY tag) FROM articles, unnest(tags) tag;
SELECT a, array_agg(id ORDER BY id) FROM articles, unnest(authors) a GROUP BY a ORDER BY a;
SELECT id, ARRAY(SELECT upper(t) FROM unnest(tags) WITH ORDINALITY u(t, n) ORDER BY n) FROM articles ORDER BY id;
SELECT id, ARRAY(SELECT DISTINCT t FROM unnest(tags) t WHERE t IS NOT NULL ORDER BY t) FROM articles ORDER BY id;
SELECT ARRAY[1, 2] || ARRAY[[3, 4]];
UPDATE articles SET tags = array_append(tags, 'updated') WHERE id = 4 RETURNING tags;
UPDATE articles SET tags = array_remove(tags, 'beginner') WHERE 'beginner' = ANY(tags) RETURNING id, tags;
UPDATE articles SET tags[1] = 'SQL' WHERE id = 1 RETURNING tags;
UPDATE articles SET ratings[5] = 1 WHERE id = 2 RETURNING ratings;
UPDATE articles SET ratings = ratings || 3 WHERE ratings IS NOT NULL RETURNING id, ratings;
SELECT array_dims(ratings), array_length(ratings, 1) FROM articles WHERE id = 2;
-- arrays of other types
SELECT ARRAY[date '2024-01-01', date '2024-02-01'], ARRAY[1.5, 2.25]::numeric[], ARRAY['{"a":1}'::jsonb], ARRAY[true, false, NULL], ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid];
SELECT ARRAY[timestamp '2024-01-01 10:00'], ARRAY[interval '1 day'], ARRAY['\x01'::bytea], ARRAY[1::int2, 2::int2], ARRAY[1::int8];
SELECT '{1,2,3}'::int[] = ARRAY[1, 2, 3], '{"a","b"}'::text[] = ARRAY['a', 'b'], '{}'::int[] = ARRAY[]::int[];
SELECT array_fill(0, ARRAY[3]), array_fill('x'::text, ARRAY[2], ARRAY[5]), array_lower(array_fill(0, ARRAY[2], ARRAY[5]), 1);
SELECT trim_array(ARRAY[1, 2, 3, 4], 2);
SELECT string_to_array('1,2,3', ',')::int[], string_to_array('a b', ' ') = ARRAY['a', 'b'];
SELECT (ARRAY[1, 2, 3])[1:2] || (ARRAY[7, 8, 9])[3:3];
SELECT x, x[1], x[1][2] FROM (SELECT ARRAY[[1, 2], [3, 4]] AS x) s;
-- errors
SELECT ARRAY[1, 2] || ARRAY['a'];
SELECT ARRAY[1] @> ARRAY['a'];
SELECT '{1,2}'::int[] + 1;
SELECT (ARRAY[1, 2])['a'];
SELECT array_length(ARRAY[1, 2]);
SELECT cardinality(1);
SELECT ARRAY[1, 2] = ARRAY['1', '2']::text[];
SELECT unnest(ARRAY[1, 2]) = ANY(ARRAY[1]);
