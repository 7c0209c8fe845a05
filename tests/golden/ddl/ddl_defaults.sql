-- DEFAULT expressions
CREATE TABLE tickets (
    id serial PRIMARY KEY,
    title text NOT NULL DEFAULT 'untitled',
    priority int DEFAULT 3,
    weight numeric DEFAULT 1.5 * 2,
    labels text[] DEFAULT ARRAY['new'],
    meta jsonb DEFAULT '{"source": "web"}'::jsonb,
    code text DEFAULT 'T-' || lpad('7', 3, '0'),
    opened_on date DEFAULT '2024-01-01',
    flag boolean DEFAULT NULL,
    created_at timestamptz DEFAULT now(),
    token uuid DEFAULT gen_random_uuid()
);
INSERT INTO tickets DEFAULT VALUES RETURNING id, title, priority, weight, labels, meta, code, opened_on, flag;
INSERT INTO tickets (title) VALUES ('first') RETURNING id, title, priority;
INSERT INTO tickets (title, priority) VALUES ('explicit null', NULL) RETURNING id, priority;
INSERT INTO tickets (title, priority) VALUES ('keyword default', DEFAULT) RETURNING id, priority;
INSERT INTO tickets (id, title) VALUES (DEFAULT, DEFAULT) RETURNING id, title;
INSERT INTO tickets (title) VALUES (DEFAULT), ('second'), (DEFAULT) RETURNING id, title;
SELECT id, created_at IS NOT NULL AS has_ts, created_at <= now() AS not_future, token IS NOT NULL AS has_token FROM tickets ORDER BY id;
SELECT count(DISTINCT token) = count(*) FROM tickets;
UPDATE tickets SET priority = DEFAULT, title = 'reset' WHERE id = 3 RETURNING id, title, priority;
UPDATE tickets SET (title, priority) = (DEFAULT, 9) WHERE id = 2 RETURNING title, priority;
ALTER TABLE tickets ALTER COLUMN priority SET DEFAULT 5;
INSERT INTO tickets (title) VALUES ('after change') RETURNING id, priority;
ALTER TABLE tickets ALTER COLUMN priority SET DEFAULT 'high';
ALTER TABLE tickets ALTER COLUMN title SET DEFAULT 42;
INSERT INTO tickets (priority) VALUES (1) RETURNING title;
SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'tickets' AND column_default IS NOT NULL ORDER BY ordinal_position;
CREATE TABLE bad_default (a int DEFAULT 'abc');
CREATE TABLE bad_default2 (a int DEFAULT (SELECT 1));
CREATE TABLE bad_default3 (a int, b int DEFAULT a + 1);
CREATE TABLE seq_default (id int DEFAULT nextval('no_such_seq'));
CREATE TABLE date_defaults (
    id int PRIMARY KEY,
    d date DEFAULT CURRENT_DATE,
    ts timestamp DEFAULT CURRENT_TIMESTAMP,
    ts0 timestamp(0) DEFAULT LOCALTIMESTAMP,
    who text DEFAULT current_user
);
INSERT INTO date_defaults (id) VALUES (1);
SELECT id, d = CURRENT_DATE, ts <= now()::timestamp, ts0 IS NOT NULL, who = current_user FROM date_defaults;
INSERT INTO date_defaults VALUES (2, DEFAULT, '2020-02-02', NULL, 'x') RETURNING id, ts, ts0, who;
