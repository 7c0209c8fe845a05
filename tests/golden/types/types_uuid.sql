-- uuid
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, pg_typeof('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid);
SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'::uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid;
SELECT 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'::uuid;
SELECT 'not-a-uuid'::uuid;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid;
SELECT '00000000-0000-0000-0000-000000000001'::uuid < '10000000-0000-0000-0000-000000000000'::uuid;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::text::uuid;
SELECT length(gen_random_uuid()::text), pg_typeof(gen_random_uuid()), gen_random_uuid() <> gen_random_uuid();
SELECT 123::uuid;
CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    owner text NOT NULL,
    parent_id uuid
);
INSERT INTO api_keys VALUES ('11111111-1111-1111-1111-111111111111', 'alice', NULL), ('22222222-2222-2222-2222-222222222222', 'bob', '11111111-1111-1111-1111-111111111111');
INSERT INTO api_keys VALUES ('11111111-1111-1111-1111-111111111111', 'dup', NULL);
INSERT INTO api_keys VALUES ('zzz', 'bad', NULL);
INSERT INTO api_keys (id, owner) VALUES (gen_random_uuid(), 'carol');
SELECT owner, length(id::text) FROM api_keys ORDER BY owner;
SELECT owner FROM api_keys WHERE id = '22222222-2222-2222-2222-222222222222';
SELECT owner FROM api_keys WHERE id = '{22222222-2222-2222-2222-222222222222}';
SELECT a.owner, b.owner FROM api_keys a JOIN api_keys b ON b.parent_id = a.id;
SELECT id, owner FROM api_keys WHERE owner <> 'carol' ORDER BY id DESC;
SELECT count(DISTINCT id), max(parent_id) FROM api_keys;
