-- UPDATE forms and command tags
CREATE TABLE employees (
    id int PRIMARY KEY,
    name text NOT NULL,
    dept text,
    salary numeric(10, 2),
    manager_id int,
    updated boolean NOT NULL DEFAULT false
);
INSERT INTO employees (id, name, dept, salary, manager_id) VALUES
    (1, 'Ada', 'eng', 150000, NULL),
    (2, 'Bo', 'eng', 120000, 1),
    (3, 'Cy', 'eng', 110000, 1),
    (4, 'Di', 'sales', 90000, NULL),
    (5, 'Ed', 'sales', 80000, 4),
    (6, 'Flo', NULL, 50000, NULL);
UPDATE employees SET salary = salary * 1.10 WHERE dept = 'eng';
SELECT id, salary FROM employees WHERE dept = 'eng' ORDER BY id;
UPDATE employees SET updated = true WHERE id = 999;
UPDATE employees SET updated = true;
UPDATE employees SET dept = 'ops', salary = 55000 WHERE id = 6 RETURNING *;
UPDATE employees SET (dept, salary) = ('support', salary + 1) WHERE id = 6 RETURNING dept, salary;
UPDATE employees SET (dept, salary) = (SELECT dept, salary FROM employees WHERE id = 5) WHERE id = 6 RETURNING id, dept, salary;
UPDATE employees SET salary = salary + 1000 WHERE dept = 'sales' RETURNING id, name, salary;
UPDATE employees e SET name = upper(e.name) WHERE e.id IN (1, 2) RETURNING e.id, e.name;
UPDATE employees SET name = NULL WHERE id = 1;
UPDATE employees SET nope = 1;
UPDATE employees SET id = 2 WHERE id = 1;
UPDATE employees SET salary = 'lots' WHERE id = 1;
UPDATE employees SET id = id + 10 RETURNING id;
UPDATE employees SET id = id - 10;
SELECT id, name FROM employees ORDER BY id;
-- UPDATE ... FROM (join update)
CREATE TABLE raises (dept text PRIMARY KEY, pct numeric NOT NULL);
INSERT INTO raises VALUES ('eng', 0.05), ('sales', 0.10), ('hr', 0.50);
UPDATE employees AS e SET salary = round(e.salary * (1 + r.pct), 2) FROM raises r WHERE r.dept = e.dept RETURNING e.id, e.salary, r.pct;
UPDATE employees SET salary = 1 FROM raises WHERE raises.dept = 'nobody' AND employees.dept = raises.dept;
UPDATE employees e SET manager_id = m.id FROM employees m WHERE m.name = 'Di' AND e.dept = 'support' RETURNING e.id, e.manager_id;
-- correlated subquery in SET and WHERE
UPDATE employees e SET salary = (SELECT max(salary) FROM employees x WHERE x.dept = e.dept) WHERE e.id = 3 RETURNING salary;
UPDATE employees SET updated = false WHERE manager_id IN (SELECT id FROM employees WHERE dept = 'eng') RETURNING id;
UPDATE employees SET salary = NULL WHERE dept IS NULL;
UPDATE employees SET salary = salary WHERE salary IS NULL;
SELECT * FROM employees ORDER BY id;
-- UPDATE with a CTE
WITH top AS (SELECT id FROM employees ORDER BY salary DESC NULLS LAST, id LIMIT 2)
UPDATE employees SET name = name || ' *' WHERE id IN (SELECT id FROM top) RETURNING id, name;
UPDATE employees SET salary = salary / 0 WHERE id = 1;
UPDATE employees SET salary = 99999999999 WHERE id = 1;
SELECT id, salary FROM employees WHERE id = 1;
UPDATE employees SET updated = DEFAULT RETURNING count(*);
UPDATE ONLY employees SET updated = DEFAULT WHERE id = 1;
