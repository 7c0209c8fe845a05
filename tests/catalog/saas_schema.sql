-- The SaaS template schema (shared/workloads/saas/template_v47.sql without its two branch
-- lines) plus a view and a sequence: the schema the catalog tests describe.
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
CREATE VIEW open_tasks AS SELECT id, project_id, title, status FROM tasks WHERE status::text <> 'done';
CREATE SEQUENCE invoice_seq START 1000;
