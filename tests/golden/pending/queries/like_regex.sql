-- LIKE / ILIKE / SIMILAR TO and POSIX regular expressions
CREATE TABLE files (id int PRIMARY KEY, path text NOT NULL);
INSERT INTO files VALUES (1, '/home/ann/report.pdf'), (2, '/home/bob/Notes.TXT'), (3, '/tmp/a_b.txt'), (4, '/tmp/a%b.txt'), (5, '/var/log/syslog'), (6, 'README'), (7, ''), (8, 'line1
line2');
SELECT id FROM files WHERE path LIKE '/home/%' ORDER BY id;
SELECT id FROM files WHERE path LIKE '%.txt' ORDER BY id;
SELECT id FROM files WHERE path ILIKE '%.txt' ORDER BY id;
SELECT id FROM files WHERE path NOT LIKE '/%' ORDER BY id;
SELECT id FROM files WHERE path NOT ILIKE '%readme%' ORDER BY id;
SELECT id FROM files WHERE path LIKE '/tmp/a_b.txt' ORDER BY id;
SELECT id FROM files WHERE path LIKE '/tmp/a\_b.txt' ORDER BY id;
SELECT id FROM files WHERE path LIKE '/tmp/a\%b.txt' ORDER BY id;
SELECT id FROM files WHERE path LIKE '/tmp/a#%b.txt' ESCAPE '#' ORDER BY id;
SELECT id FROM files WHERE path LIKE '' ORDER BY id;
SELECT id FROM files WHERE path LIKE '%' ORDER BY id;
SELECT id FROM files WHERE path LIKE 'line1%line2' ORDER BY id;
SELECT id FROM files WHERE path ~~ '%log%' ORDER BY id;
SELECT 'abc' ~~ 'a%', 'abc' !~~ 'a%', 'ABC' ~~* 'a%', 'ABC' !~~* 'a%';
SELECT 'abc' LIKE 'ABC', 'abc' ILIKE 'ABC', 'abc' LIKE 'a_c', 'abc' LIKE 'a__c', 'a' LIKE NULL, NULL LIKE '%';
SELECT 'Straße' ILIKE 'STRASSE', 'ÄBC' ILIKE 'äbc', 'É' LIKE 'É';
SELECT 'abc' LIKE 'a\';
SELECT 'abc' LIKE 'abc' ESCAPE 'xy';
SELECT 5 LIKE '5';
-- SIMILAR TO
SELECT 'abc' SIMILAR TO 'abc', 'abc' SIMILAR TO 'a', 'abc' SIMILAR TO '%(b|d)%', 'abc' SIMILAR TO '(a|b)%', 'abc' NOT SIMILAR TO 'a%';
-- POSIX regular expressions
SELECT id FROM files WHERE path ~ '^/(home|tmp)/' ORDER BY id;
SELECT id FROM files WHERE path ~* '\.txt$' ORDER BY id;
SELECT id FROM files WHERE path !~ '/' ORDER BY id;
SELECT id FROM files WHERE path !~* '^/home' ORDER BY id;
SELECT 'abc123' ~ '\d+', 'abc' ~ '^[a-c]+$', 'ABC' ~ '^[a-c]+$', 'ABC' ~* '^[a-c]+$', 'a.c' ~ 'a\.c', 'abc' ~ 'a\.c';
SELECT 'foo bar' ~ '\mbar\M', 'foobar' ~ '\mbar', 'x' ~ '', NULL ~ 'a', 'a' ~ NULL;
SELECT 'abc' ~ '(';
SELECT 'abc' ~ '[z-a]';
SELECT 'abc' ~ 'a{2,1}';
SELECT regexp_match('user@example.com', '^([^@]+)@(.+)$'), regexp_match('no match', '\d'), regexp_match('ABC', 'b', 'i');
SELECT regexp_matches('a1b22c333', '\d+', 'g');
SELECT m[1] FROM regexp_matches('k1=v1;k2=v2', '(\w+)=(\w+)', 'g') AS m ORDER BY 1;
SELECT regexp_replace('2024-01-15', '(\d+)-(\d+)-(\d+)', '\3/\2/\1'), regexp_replace('aaa', 'a', 'b'), regexp_replace('aaa', 'a', 'b', 'g'), regexp_replace('Hello World', '[aeiou]', '*', 'gi');
SELECT regexp_replace('phone: 555-1234', '\D', '', 'g'), regexp_replace('  trim   me  ', '\s+', ' ', 'g');
SELECT regexp_split_to_array('a, b,c ,  d', '\s*,\s*'), regexp_split_to_array('one two  three', '\s+');
SELECT word FROM regexp_split_to_table('the quick brown fox', ' ') WITH ORDINALITY AS t(word, n) ORDER BY n;
SELECT substring('order #12345 shipped' from '#(\d+)'), substring('abc' from 'x'), substring('foobar' similar 'f#"o*#"%' escape '#');
SELECT regexp_count('banana', 'an'), regexp_instr('banana', 'an', 1, 2), regexp_like('Banana', 'ban', 'i'), regexp_substr('banana', 'an.', 1, 2);
SELECT regexp_replace('x', '(', 'y');
SELECT regexp_match('abc', 'b', 'g');
SELECT id, regexp_replace(path, '^.*/', '') AS basename FROM files WHERE path LIKE '/%' ORDER BY id;
SELECT id, (regexp_match(path, '\.([A-Za-z]+)$'))[1] AS ext FROM files ORDER BY id;
