// Tenant provisioning, per-tenant pools and deprovisioning from node-postgres
// (driven by tests/branches/test_node_tenants.py; prints one JSON line).
//
// Environment: PGHOST PGPORT PGUSER PGPASSWORD (a role with CREATEBRANCH),
// SAASDB (a database holding template_v47), TENANTS (how many, default 6).
'use strict';
const { Client, Pool } = require('pg');

const cfg = {
  host: process.env.PGHOST, port: +process.env.PGPORT, user: process.env.PGUSER,
  password: process.env.PGPASSWORD, database: process.env.SAASDB,
};
const N = +(process.env.TENANTS || 6);
const assert = (cond, msg) => { if (!cond) throw new Error('assertion failed: ' + msg); };

async function provision(admin, t, i) {
  const t0 = process.hrtime.bigint();
  await admin.query(`CREATE BRANCH ${t} FROM template_v47`);
  const forkMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await admin.query(`USE BRANCH ${t}`);
  const role = `${t}_app`;
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}_pw' IN ROLE node_app`);
  await admin.query(`GRANT USAGE ON BRANCH ${t} TO ${role}`);
  const p = await admin.query(
    'INSERT INTO projects (name, description, owner_id, settings) VALUES ($1, $2, $3, $4) RETURNING id',
    [`Launch ${t}`, 'created from node', i, { plan: 'trial', seats: 3 }]);
  const pid = p.rows[0].id;
  for (let k = 0; k < 3; k++) {
    await admin.query('INSERT INTO team_members (email, display_name, role, settings) VALUES ($1, $2, $3, $4)',
      [`m${k}@${t}.example`, `Member ${k} of ${t}`, k === 0 ? 'admin' : 'member', JSON.stringify({ k })]);
  }
  for (let k = 0; k < 10; k++) {
    await admin.query(
      'INSERT INTO tasks (project_id, title, status, priority, assignee_id, due_date, estimated_hours, tags) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)',
      [pid, `task ${k}`, k % 3 === 0 ? 'done' : 'todo', k % 10, 1 + (k % 3), '2030-01-0' + (1 + (k % 9)),
        (k * 1.5).toFixed(2), JSON.stringify(k % 2 ? ['urgent'] : ['later'])]);
  }
  // settings || $1::jsonb: merge a JSON parameter into the stored document
  const u = await admin.query(
    'UPDATE projects SET settings = settings || $1::jsonb, updated_at = NOW() WHERE id = $2 RETURNING settings',
    [JSON.stringify({ plan: 'pro', region: `eu-${i}` }), pid]);
  assert(u.rows[0].settings.plan === 'pro' && u.rows[0].settings.seats === 3 &&
    u.rows[0].settings.region === `eu-${i}`, 'jsonb merge ' + JSON.stringify(u.rows[0].settings));
  await admin.query('UPDATE tasks SET status = $1 WHERE project_id = $2 AND priority >= $3', ['in_progress', pid, 8]);
  await admin.query('USE BRANCH main');
  return forkMs;
}

async function main() {
  const admin = new Client(cfg);
  await admin.connect();
  await admin.query('DROP ROLE IF EXISTS node_app');
  await admin.query('CREATE ROLE node_app NOLOGIN');
  await admin.query('REVOKE USAGE ON BRANCH main FROM PUBLIC');  // tenants see their own branch only
  await admin.query('USE BRANCH template_v47');
  await admin.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO node_app');
  await admin.query('USE BRANCH main');
  const tenants = [];
  const forkMs = [];
  for (let i = 0; i < N; i++) {
    const t = `node_t${i}`;
    tenants.push(t);
    forkMs.push(await provision(admin, t, i));
  }

  // per-tenant pools: options=-c helios.branch=<tenant>, logging in as the tenant's role
  const pools = {};
  for (const t of tenants) {
    pools[t] = new Pool({ ...cfg, user: `${t}_app`, password: `${t}_app_pw`, max: 3,
      options: `-c helios.branch=${t}` });
  }
  const dashboard = `SELECT p.id, p.name, COUNT(t.id) AS total_tasks,
      SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS completed_tasks
    FROM projects p LEFT JOIN tasks t ON t.project_id = p.id
    WHERE p.status = 'active' GROUP BY p.id, p.name ORDER BY p.id`;
  const work = [];
  for (const [i, t] of tenants.entries()) {
    for (let r = 0; r < 4; r++) {
      work.push((async () => {
        const br = await pools[t].query('SHOW helios.branch');
        assert(br.rows[0]['helios.branch'] === t, `pool of ${t} is on ${br.rows[0]['helios.branch']}`);
        const d = await pools[t].query(dashboard);
        assert(d.rows.length === 2, `${t} sees ${d.rows.length} projects`);
        assert(d.rows[1].name === `Launch ${t}` && +d.rows[1].total_tasks === 10, JSON.stringify(d.rows));
        const named = await pools[t].query({ name: 'urgent', text:
          "SELECT count(*)::int AS n FROM tasks WHERE tags @> $1::jsonb AND status <> 'done'", values: ['["urgent"]'] });
        assert(named.rows[0].n === 4, `${t} urgent ${named.rows[0].n}`);
        await pools[t].query('UPDATE team_members SET settings = settings || $1::jsonb WHERE role = $2',
          [JSON.stringify({ seen: r }), 'admin']);
        const other = tenants[(i + 1) % tenants.length];
        try {
          await pools[t].query(`USE BRANCH ${other}`);
          throw new Error(`${t} could switch to ${other}`);
        } catch (e) {
          assert(e.code === '42704', `${t} -> ${other}: ${e.code} ${e.message}`);
        }
      })());
    }
  }
  await Promise.all(work);
  const listed = await pools[tenants[0]].query('SELECT branch_name FROM helios_branches()');
  assert(listed.rows.length === 1 && listed.rows[0].branch_name === tenants[0], JSON.stringify(listed.rows));

  // a pool for a branch the role may not use fails to connect with 3D000, cleanly
  let badCode = null;
  const bad = new Client({ ...cfg, user: `${tenants[0]}_app`, password: `${tenants[0]}_app_pw`,
    options: `-c helios.branch=${tenants[1]}` });
  try { await bad.connect(); } catch (e) { badCode = e.code; }
  assert(badCode === '3D000', `forbidden branch at startup: ${badCode}`);

  // deprovision: refused while the tenant's pool holds sessions, then dropped
  const last = tenants[tenants.length - 1];
  await pools[last].query('SELECT 1');  // (pool.query drops a client after an error: make sure one is live)
  let inUse = null;
  try { await admin.query(`DROP BRANCH ${last}`); } catch (e) { inUse = e.code; }
  assert(inUse === '55006', `drop with sessions: ${inUse}`);
  for (const t of tenants) await pools[t].end();
  for (const t of tenants) {
    await admin.query(`DROP BRANCH ${t}`);
    await admin.query(`DROP ROLE ${t}_app`);
  }
  const left = await admin.query("SELECT count(*)::int AS n FROM helios_branches() WHERE branch_name LIKE 'node\\_t%'");
  assert(left.rows[0].n === 0, 'branches left: ' + left.rows[0].n);
  let goneCode = null;
  const gone = new Client({ ...cfg, options: `-c helios.branch=${tenants[0]}` });
  try { await gone.connect(); } catch (e) { goneCode = e.code; }
  assert(goneCode === '3D000', `dropped branch at startup: ${goneCode}`);
  await admin.end();
  forkMs.sort((a, b) => a - b);
  console.log(JSON.stringify({ tenants: N, fork_ms_p50: forkMs[Math.floor(N / 2)], ok: true }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
