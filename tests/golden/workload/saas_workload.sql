-- The multi-tenant SaaS workload (tests/../shared/workloads/saas): the template_v47 schema
-- without its two branch statements, deterministic generated tenant data, the three
-- report queries, and the v48 migration.
-- template_v47
CREATE TABLE projects (
id BIGSERIAL PRIMARY KEY,
name VARCHAR(200) NOT NULL,
description TEXT,
status VARCHAR(20) DEFAULT 'active',
owner_id BIGINT NOT NULL,
settings JSONB DEFAULT '{}',
created_at TIMESTAMP DEFAULT NOW(),
updated_at TIMESTAMP DEFAULT NOW()
);
CREATE TABLE tasks (
id BIGSERIAL PRIMARY KEY,
project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
title VARCHAR(500) NOT NULL,
description TEXT,
status VARCHAR(20) DEFAULT 'todo',
priority INT DEFAULT 0,
assignee_id BIGINT,
due_date DATE,
estimated_hours DECIMAL(6, 2),
tags JSONB DEFAULT '[]',
created_at TIMESTAMP DEFAULT NOW(),
updated_at TIMESTAMP DEFAULT NOW()
);
CREATE TABLE time_entries (
id BIGSERIAL PRIMARY KEY,
task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
user_id BIGINT NOT NULL,
started_at TIMESTAMP NOT NULL,
ended_at TIMESTAMP,
duration_minutes INT,
notes TEXT,
billable BOOLEAN DEFAULT TRUE
);
CREATE TABLE team_members (
id BIGSERIAL PRIMARY KEY,
email VARCHAR(255) NOT NULL UNIQUE,
display_name VARCHAR(200) NOT NULL,
role VARCHAR(50) DEFAULT 'member',
settings JSONB DEFAULT '{}',
created_at TIMESTAMP DEFAULT NOW()
);
CREATE INDEX idx_tasks_project ON tasks (project_id, status);
CREATE INDEX idx_tasks_assignee ON tasks (assignee_id) WHERE status != 'done';
CREATE INDEX idx_time_project ON time_entries (task_id, started_at DESC);
INSERT INTO projects (name, description, status, owner_id, settings)
VALUES ('Getting Started', 'Your first project', 'active', 0,
'{"template": true, "tutorial": true}');
SELECT id, name, status, owner_id, settings, created_at IS NOT NULL AS has_created_at, created_at = updated_at AS same_ts FROM projects;
-- tenant data: 12 team members, 7 more projects, 240 tasks, 420 time entries
INSERT INTO team_members (email, display_name, role, settings)
SELECT 'user' || g || '@acme.test',
       'Member ' || lpad(g::text, 2, '0'),
       CASE g % 4 WHEN 0 THEN 'admin' WHEN 1 THEN 'member' WHEN 2 THEN 'contractor' ELSE 'member' END,
       jsonb_build_object('tz', CASE WHEN g % 2 = 0 THEN 'UTC' ELSE 'Europe/Oslo' END, 'weekly_digest', g % 3 = 0)
FROM generate_series(1, 12) AS g;
INSERT INTO team_members (email, display_name) VALUES ('user1@acme.test', 'Duplicate');
INSERT INTO projects (name, description, status, owner_id, settings)
SELECT 'Project ' || chr(64 + g),
       'Generated project number ' || g,
       CASE WHEN g IN (4, 7) THEN 'archived' ELSE 'active' END,
       (g % 12) + 1,
       jsonb_build_object('color', (ARRAY['red', 'green', 'blue'])[1 + g % 3], 'budget', g * 1000)
FROM generate_series(2, 8) AS g;
INSERT INTO tasks (project_id, title, description, status, priority, assignee_id, due_date, estimated_hours, tags)
SELECT 1 + (g * 3 + g / 6) % 8,
       'Task ' || g,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'Details for task ' || g END,
       CASE WHEN g % 7 = 0 OR g % 11 = 0 OR g % 4 = 1 THEN 'done' WHEN g % 5 = 2 THEN 'in_progress' ELSE 'todo' END,
       g % 10,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + (g * 5) % 12 END,
       CASE WHEN g % 47 = 0 THEN NULL ELSE date '2024-01-01' + g END,
       CASE WHEN g % 6 = 0 THEN NULL ELSE round((g % 17) * 1.25 + 0.5, 2) END,
       CASE g % 5 WHEN 0 THEN '["urgent"]' WHEN 1 THEN '["urgent", "backend"]' WHEN 2 THEN '["frontend"]' WHEN 3 THEN '["backend", "chore"]' ELSE '[]' END::jsonb
FROM generate_series(1, 240) AS g;
INSERT INTO time_entries (task_id, user_id, started_at, ended_at, duration_minutes, notes, billable)
SELECT 1 + (g * 7) % 240,
       1 + (g * 5 + g / 12) % 12,
       timestamp '2024-02-01 08:00' + ((g * 3) % 43) * interval '1 day' + (g % 9) * interval '1 hour',
       timestamp '2024-02-01 08:00' + ((g * 3) % 43) * interval '1 day' + (g % 9) * interval '1 hour' + (15 + (g * 43) % 240) * interval '1 minute',
       15 + (g * 43) % 240,
       CASE WHEN g % 4 = 0 THEN 'note ' || g END,
       g % 5 <> 0
FROM generate_series(1, 420) AS g;
INSERT INTO time_entries (task_id, user_id, started_at) VALUES (9999, 1, '2024-03-01');
SELECT (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM time_entries) AS entries, (SELECT count(*) FROM team_members) AS members;
SELECT status, count(*) FROM tasks GROUP BY status ORDER BY status;
SELECT project_id, count(*), count(*) FILTER (WHERE status = 'done') AS done FROM tasks GROUP BY project_id ORDER BY project_id;
SELECT role, count(*) FROM team_members GROUP BY role ORDER BY role;
SELECT sum(duration_minutes), count(*) FILTER (WHERE billable), min(started_at), max(ended_at) FROM time_entries;
SELECT id, name, status, owner_id, settings FROM projects ORDER BY id;
SELECT id, email, display_name, role, settings FROM team_members ORDER BY id;
SELECT id, project_id, title, status, priority, assignee_id, due_date, estimated_hours, tags FROM tasks WHERE id <= 12 ORDER BY id;
SELECT id, task_id, user_id, started_at, ended_at, duration_minutes, notes, billable FROM time_entries WHERE id <= 8 ORDER BY id;
-- report 1, dashboard (CURRENT_DATE replaced by a fixed date)
SELECT
p.id,
p.name,
p.status,
COUNT(t.id) AS total_tasks,
SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS completed_tasks,
SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END)::DECIMAL
/ NULLIF(COUNT(t.id), 0) * 100 AS completion_pct,
SUM(CASE WHEN t.due_date < DATE '2024-03-15' AND t.status != 'done'
THEN 1 ELSE 0 END) AS overdue_tasks,
COALESCE(SUM(te.duration_minutes), 0) / 60.0 AS total_hours_logged,
COALESCE(SUM(t.estimated_hours), 0) AS total_estimated_hours
FROM projects p
LEFT JOIN tasks t ON t.project_id = p.id
LEFT JOIN time_entries te ON te.task_id = t.id
WHERE p.status = 'active'
GROUP BY p.id, p.name, p.status
ORDER BY overdue_tasks DESC, completion_pct ASC;
-- report 1 verbatim: every due date in the data is in 2024, so CURRENT_DATE only has to be later than that
SELECT
p.id,
p.name,
p.status,
COUNT(t.id) AS total_tasks,
SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS completed_tasks,
SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END)::DECIMAL
/ NULLIF(COUNT(t.id), 0) * 100 AS completion_pct,
SUM(CASE WHEN t.due_date < CURRENT_DATE AND t.status != 'done'
THEN 1 ELSE 0 END) AS overdue_tasks,
COALESCE(SUM(te.duration_minutes), 0) / 60.0 AS total_hours_logged,
COALESCE(SUM(t.estimated_hours), 0) AS total_estimated_hours
FROM projects p
LEFT JOIN tasks t ON t.project_id = p.id
LEFT JOIN time_entries te ON te.task_id = t.id
WHERE p.status = 'active'
GROUP BY p.id, p.name, p.status
ORDER BY overdue_tasks DESC, completion_pct ASC;
-- report 2, team utilization (NOW() replaced by a fixed timestamp)
WITH weekly_hours AS (
SELECT
tm.display_name,
tm.role,
DATE_TRUNC('week', te.started_at) AS week,
SUM(te.duration_minutes) / 60.0 AS hours_worked,
SUM(CASE WHEN te.billable THEN te.duration_minutes ELSE 0 END)
/ 60.0 AS billable_hours
FROM team_members tm
JOIN time_entries te ON te.user_id = tm.id
WHERE te.started_at >= TIMESTAMP '2024-03-15 12:00:00' - INTERVAL '4 weeks'
GROUP BY tm.display_name, tm.role, DATE_TRUNC('week', te.started_at)
)
SELECT
display_name,
role,
ROUND(AVG(hours_worked)::DECIMAL, 1) AS avg_weekly_hours,
ROUND(AVG(billable_hours)::DECIMAL, 1) AS avg_billable_hours,
ROUND(
AVG(billable_hours) / NULLIF(AVG(hours_worked), 0) * 100, 1
) AS billable_pct,
ROUND(MAX(hours_worked)::DECIMAL, 1) AS peak_week_hours
FROM weekly_hours
GROUP BY display_name, role
ORDER BY avg_weekly_hours DESC;
-- report 2 verbatim: all generated entries are older than four weeks, so it returns no rows
WITH weekly_hours AS (
SELECT
tm.display_name,
tm.role,
DATE_TRUNC('week', te.started_at) AS week,
SUM(te.duration_minutes) / 60.0 AS hours_worked,
SUM(CASE WHEN te.billable THEN te.duration_minutes ELSE 0 END)
/ 60.0 AS billable_hours
FROM team_members tm
JOIN time_entries te ON te.user_id = tm.id
WHERE te.started_at >= NOW() - INTERVAL '4 weeks'
GROUP BY tm.display_name, tm.role, DATE_TRUNC('week', te.started_at)
)
SELECT
display_name,
role,
ROUND(AVG(hours_worked)::DECIMAL, 1) AS avg_weekly_hours,
ROUND(AVG(billable_hours)::DECIMAL, 1) AS avg_billable_hours,
ROUND(
AVG(billable_hours) / NULLIF(AVG(hours_worked), 0) * 100, 1
) AS billable_pct,
ROUND(MAX(hours_worked)::DECIMAL, 1) AS peak_week_hours
FROM weekly_hours
GROUP BY display_name, role
ORDER BY avg_weekly_hours DESC;
-- report 2 verbatim over entries relative to now: only the number of members is stable
BEGIN;
INSERT INTO time_entries (task_id, user_id, started_at, duration_minutes, billable)
SELECT 1 + g, 1 + g % 3, date_trunc('day', NOW()::timestamp) - (1 + g % 10) * INTERVAL '1 day', 30 + g, g % 2 = 0
FROM generate_series(1, 20) AS g;
SELECT count(*) AS members_reported, count(DISTINCT role) AS roles, bool_and(avg_weekly_hours > 0) AS all_positive FROM (
WITH weekly_hours AS (
SELECT
tm.display_name,
tm.role,
DATE_TRUNC('week', te.started_at) AS week,
SUM(te.duration_minutes) / 60.0 AS hours_worked,
SUM(CASE WHEN te.billable THEN te.duration_minutes ELSE 0 END)
/ 60.0 AS billable_hours
FROM team_members tm
JOIN time_entries te ON te.user_id = tm.id
WHERE te.started_at >= NOW() - INTERVAL '4 weeks'
GROUP BY tm.display_name, tm.role, DATE_TRUNC('week', te.started_at)
)
SELECT
display_name,
role,
ROUND(AVG(hours_worked)::DECIMAL, 1) AS avg_weekly_hours,
ROUND(AVG(billable_hours)::DECIMAL, 1) AS avg_billable_hours,
ROUND(
AVG(billable_hours) / NULLIF(AVG(hours_worked), 0) * 100, 1
) AS billable_pct,
ROUND(MAX(hours_worked)::DECIMAL, 1) AS peak_week_hours
FROM weekly_hours
GROUP BY display_name, role
ORDER BY avg_weekly_hours DESC
) AS report;
ROLLBACK;
SELECT count(*) FROM time_entries;
-- report 3 needs the v48 column
SELECT t.id, t.priority_label FROM tasks t WHERE t.id = 1;
-- migration_v48
ALTER TABLE tasks ADD COLUMN priority_label VARCHAR(20);
UPDATE tasks SET priority_label = CASE
WHEN priority >= 8 THEN 'critical'
WHEN priority >= 5 THEN 'high'
WHEN priority >= 3 THEN 'medium'
ELSE 'low'
END;
CREATE INDEX idx_tasks_priority_label ON tasks (priority_label)
WHERE status != 'done';
SELECT priority_label, count(*) FROM tasks GROUP BY priority_label ORDER BY priority_label;
SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM tasks), (SELECT count(*) FROM time_entries), (SELECT count(*) FROM team_members);
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' ORDER BY indexname;
-- report 3, cross-project task search (verbatim)
SELECT
t.id,
t.title,
t.status,
t.priority_label,
p.name AS project_name,
tm.display_name AS assignee,
t.due_date,
t.tags
FROM tasks t
JOIN projects p ON t.project_id = p.id
LEFT JOIN team_members tm ON t.assignee_id = tm.id
WHERE t.status != 'done'
AND t.tags @> '["urgent"]'::jsonb
ORDER BY t.priority DESC, t.due_date ASC NULLS LAST;
-- typical tenant writes after the migration
INSERT INTO tasks (project_id, title, priority, tags, due_date, priority_label) VALUES (2, 'New urgent bug', 9, '["urgent", "bug"]', '2024-03-20', 'critical') RETURNING id, status, priority, estimated_hours, tags, priority_label;
UPDATE tasks SET status = 'done', updated_at = TIMESTAMP '2024-03-15 12:00:00' WHERE id = 241 RETURNING id, status, updated_at;
INSERT INTO time_entries (task_id, user_id, started_at, ended_at, duration_minutes) VALUES (241, 3, '2024-03-15 09:00', '2024-03-15 10:30', 90) RETURNING id, billable;
UPDATE projects SET status = 'archived' WHERE id = 8;
DELETE FROM projects WHERE id = 7;
SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM time_entries) AS entries;
SELECT p.name, count(t.id) FROM projects p LEFT JOIN tasks t ON t.project_id = p.id GROUP BY p.id ORDER BY p.id;
SELECT tm.display_name, sum(te.duration_minutes) AS minutes FROM team_members tm JOIN time_entries te ON te.user_id = tm.id GROUP BY tm.id ORDER BY minutes DESC, tm.id LIMIT 5;
SELECT t.tags ->> 0 AS first_tag, count(*) FROM tasks t WHERE jsonb_array_length(t.tags) > 0 GROUP BY 1 ORDER BY 1;
SELECT id, title FROM tasks WHERE assignee_id = 3 AND status != 'done' ORDER BY due_date NULLS LAST, id LIMIT 5;
