-- bytea: hex output, escape input
SELECT '\x48656c6c6f'::bytea, 'Hello'::bytea, ''::bytea, pg_typeof('\xff'::bytea);
SELECT E'\\x00ff'::bytea, '\000\001'::bytea, 'a\\b'::bytea;
SELECT '\xDEADBEEF'::bytea, '\x de ad'::bytea;
SELECT '\xabc'::bytea;
SELECT '\xzz'::bytea;
SELECT 'bad\escape'::bytea;
SELECT length('\x0102'::bytea), octet_length('abc'::bytea), '\x01'::bytea || '\x02'::bytea;
SELECT '\x01'::bytea = '\x01'::bytea, '\x01'::bytea < '\x02'::bytea, '\x0100'::bytea > '\x01'::bytea;
SELECT encode('\x48656c6c6f'::bytea, 'hex'), encode('Hello'::bytea, 'base64'), encode(E'a\\000b'::bytea, 'escape');
SELECT decode('48656c6c6f', 'hex'), decode('SGVsbG8=', 'base64'), convert_from('\x48c3a9'::bytea, 'UTF8');
SELECT convert_to('hé', 'UTF8'), md5('hello'::bytea), md5('hello');
SELECT get_byte('\x0102ff'::bytea, 2), set_byte('\x0102'::bytea, 0, 255), substring('\x0102030405'::bytea from 2 for 3);
SELECT sha256('abc'::bytea);
SELECT decode('zz', 'hex');
SELECT 'abc'::bytea::text, '\x616263'::bytea::text;
CREATE TABLE attachments (
    id int PRIMARY KEY,
    filename text NOT NULL,
    content bytea,
    checksum bytea
);
INSERT INTO attachments VALUES (1, 'a.txt', 'hello world', NULL), (2, 'b.bin', '\x000102fffe', NULL), (3, 'empty', '', NULL);
UPDATE attachments SET checksum = sha256(content) WHERE content IS NOT NULL;
SELECT id, filename, content, length(content) FROM attachments ORDER BY id;
SELECT id, encode(checksum, 'hex') FROM attachments ORDER BY id;
SELECT id FROM attachments WHERE content = '\x68656c6c6f20776f726c64';
SELECT filename FROM attachments WHERE position('\xff'::bytea in content) > 0;
SELECT sum(length(content)) FROM attachments;
INSERT INTO attachments VALUES (4, 'x', 123, NULL);
