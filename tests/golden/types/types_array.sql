-- one-dimensional arrays
SELECT ARRAY[1, 2, 3], ARRAY['a', 'b'], ARRAY[1.5, 2], ARRAY[true, NULL], '{1,2,3}'::int[], '{}'::text[];
SELECT pg_typeof(ARRAY[1, 2]), pg_typeof(ARRAY['a']), pg_typeof(ARRAY[1::int8]), pg_typeof('{}'::text[]), pg_typeof(ARRAY[1.5]);
SELECT '{"a b", "c,d", "e\"f", NULL, "NULL", ""}'::text[];
SELECT ARRAY['with space', 'comma,', 'quote"', 'back\slash', '', NULL];
SELECT '{1, 2, 3}'::int[], '{ 4 ,5 }'::integer[], '{1,2}'::bigint[], '{1.5,2.25}'::numeric[], '{t,f}'::bool[];
SELECT '{1,a}'::int[];
SELECT '{1,2'::int[];
SELECT 'not an array'::int[];
SELECT ARRAY[1, 'a'];
SELECT ARRAY[]::int[], cardinality(ARRAY[]::int[]), array_length(ARRAY[]::int[], 1);
SELECT ARRAY[];
SELECT (ARRAY[10, 20, 30])[1], (ARRAY[10, 20, 30])[3], (ARRAY[10, 20, 30])[4], (ARRAY[10, 20, 30])[0];
SELECT (ARRAY[10, 20, 30, 40])[2:3], (ARRAY[10, 20, 30, 40])[:2], (ARRAY[10, 20, 30, 40])[3:];
SELECT ARRAY[1, 2] || ARRAY[3], ARRAY[1, 2] || 3, 0 || ARRAY[1, 2], ARRAY['a'] || ARRAY[NULL];
SELECT ARRAY[1, 2] = ARRAY[1, 2], ARRAY[1, 2] < ARRAY[1, 3], ARRAY[1, 2] < ARRAY[1, 2, 0], ARRAY[NULL::int] = ARRAY[NULL::int];
SELECT ARRAY[1, 2, 3] @> ARRAY[2], ARRAY[1, 2] <@ ARRAY[1, 2, 3], ARRAY[1, 2] && ARRAY[2, 5], ARRAY[1] && ARRAY[5];
SELECT array_length(ARRAY[1, 2, 3], 1), cardinality(ARRAY['a', 'b']), array_ndims(ARRAY[1]), array_dims(ARRAY[1, 2, 3]);
SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1]), array_cat(ARRAY[1], ARRAY[2, 3]), array_remove(ARRAY[1, 2, 1], 1);
SELECT array_replace(ARRAY[1, 2, 1], 1, 9), array_position(ARRAY['a', 'b', 'c'], 'b'), array_positions(ARRAY[1, 2, 1], 1);
SELECT array_to_string(ARRAY[1, NULL, 3], ','), array_to_string(ARRAY[1, NULL, 3], ',', '*'), string_to_array('a,b,,c', ','), string_to_array('a b', NULL);
SELECT array_upper(ARRAY[5, 6, 7], 1), array_lower(ARRAY[5, 6, 7], 1), array_fill(7, ARRAY[3]);
SELECT 2 = ANY(ARRAY[1, 2, 3]), 5 = ANY(ARRAY[1, 2]), 5 <> ALL(ARRAY[1, 2]), 1 = ANY('{}'::int[]), NULL = ANY(ARRAY[1]), 3 = ANY(ARRAY[1, NULL]);
SELECT 'b' = ANY('{a,b}'::text[]), 2 > ALL(ARRAY[1, NULL]), 10 > ALL('{}'::int[]);
SELECT ARRAY[1, 2]::text[], ARRAY['1', '2']::int[], ARRAY[1.7, 2.2]::int[], '{1,2}'::text::int[];
SELECT ARRAY['x']::int[];
SELECT ARRAY(SELECT generate_series(1, 4)), ARRAY(SELECT 'v' || g FROM generate_series(1, 3) g ORDER BY g DESC);
SELECT array_agg(x ORDER BY x), array_agg(x ORDER BY x DESC) FILTER (WHERE x > 1) FROM (VALUES (3), (1), (2)) v(x);
SELECT unnest(ARRAY[3, 1, 2]) AS u ORDER BY u;
SELECT ARRAY[[1, 2], [3, 4]], pg_typeof(ARRAY[[1, 2], [3, 4]]);
CREATE TABLE posts (
    id int PRIMARY KEY,
    title text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    scores int[]
);
INSERT INTO posts VALUES (1, 'Intro', ARRAY['sql', 'intro'], '{5, 3}'), (2, 'Joins', '{sql,joins}', ARRAY[4]), (3, 'Misc', DEFAULT, NULL);
INSERT INTO posts (id, title, tags) VALUES (4, 'Bad', 'sql');
SELECT * FROM posts ORDER BY id;
SELECT id, title FROM posts WHERE 'sql' = ANY(tags) ORDER BY id;
SELECT id, title FROM posts WHERE tags @> ARRAY['joins'] ORDER BY id;
SELECT id, title FROM posts WHERE tags && '{intro,misc}' ORDER BY id;
SELECT id, tags[1] AS first_tag, cardinality(tags), scores[2] FROM posts ORDER BY id;
UPDATE posts SET tags = array_append(tags, 'updated') WHERE id = 3 RETURNING tags;
UPDATE posts SET tags[2] = 'beginner' WHERE id = 1 RETURNING tags;
UPDATE posts SET scores = scores || 9 WHERE id IN (1, 2) RETURNING id, scores;
SELECT tag, count(*) FROM posts, unnest(tags) AS tag GROUP BY tag ORDER BY tag;
SELECT id FROM posts WHERE tags = '{}';
SELECT array_agg(id ORDER BY id) FROM posts WHERE cardinality(tags) > 1;
-- a cast around ARRAY[...] types its elements and sub-arrays (PostgreSQL's transformArrayExpr)
SELECT 10 = any(ARRAY[ARRAY[]]::int[]);
SELECT ARRAY[]::int[], ARRAY[ARRAY[1,2],ARRAY[3,4]]::int8[], ARRAY['1','2']::int[], ARRAY[1.5, 2]::int[];
SELECT ARRAY['{NULL,NULL}', ARRAY[1,NULL]]::int[], ARRAY[ARRAY[]]::int[] = '{}';
SELECT ARRAY['{}']::int[];
CREATE TABLE arr_dims (a text[][], b int[3][]);
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'arr_dims'::regclass AND attnum > 0 ORDER BY attnum;
