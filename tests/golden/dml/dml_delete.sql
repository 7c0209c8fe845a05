-- DELETE forms and command tags
CREATE TABLE sessions (
    id int PRIMARY KEY,
    user_id int NOT NULL,
    expires_at timestamp NOT NULL,
    data jsonb
);
INSERT INTO sessions SELECT g, g % 4, timestamp '2024-01-01' + g * interval '1 day', jsonb_build_object('n', g) FROM generate_series(1, 20) g;
DELETE FROM sessions WHERE id = 1;
DELETE FROM sessions WHERE id = 1;
DELETE FROM sessions WHERE expires_at < '2024-01-05';
DELETE FROM sessions WHERE user_id = 0 RETURNING id, user_id;
DELETE FROM sessions s WHERE s.data->>'n' = '10' RETURNING s.id;
DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE user_id = 1 ORDER BY id DESC LIMIT 2) RETURNING id;
SELECT id, user_id FROM sessions ORDER BY id;
-- DELETE ... USING
CREATE TABLE banned_users (user_id int PRIMARY KEY);
INSERT INTO banned_users VALUES (2);
DELETE FROM sessions USING banned_users b WHERE sessions.user_id = b.user_id RETURNING sessions.id, b.user_id;
DELETE FROM sessions s USING banned_users b WHERE s.user_id = b.user_id;
SELECT id, user_id FROM sessions ORDER BY id;
DELETE FROM sessions WHERE EXISTS (SELECT 1 FROM banned_users b WHERE b.user_id = sessions.user_id + 1) RETURNING id;
WITH old AS (SELECT id FROM sessions WHERE expires_at < '2024-01-16')
DELETE FROM sessions WHERE id IN (SELECT id FROM old) RETURNING id, expires_at;
DELETE FROM sessions WHERE nope = 1;
DELETE FROM nope;
DELETE FROM sessions RETURNING *;
SELECT count(*) FROM sessions;
DELETE FROM sessions;
INSERT INTO sessions VALUES (100, 1, '2030-01-01', NULL);
DELETE FROM sessions WHERE data IS NULL RETURNING id, data;
DELETE FROM ONLY sessions;
-- deleting rows that are referenced
CREATE TABLE carts (id int PRIMARY KEY);
CREATE TABLE cart_items (id int PRIMARY KEY, cart_id int REFERENCES carts (id));
INSERT INTO carts VALUES (1), (2);
INSERT INTO cart_items VALUES (10, 1);
DELETE FROM carts WHERE id = 1;
DELETE FROM carts WHERE id = 2 RETURNING id;
DELETE FROM cart_items WHERE cart_id = 1;
DELETE FROM carts;
SELECT count(*) FROM carts;
