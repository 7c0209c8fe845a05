// node-postgres ("pg") against heliosd: parameterized queries, types, transactions, pools, errors.
// Usage: node pg_test.js  (connection from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE)
// Prints one JSON object; exits non-zero on the first failed check.
'use strict';
const assert = require('assert');
const { Client, Pool } = require('pg');

async function main() {
  const results = {};
  const c = new Client();
  await c.connect();
  try {
    // parameterized queries (extended protocol)
    let r = await c.query('select $1::int + $2::int as sum, $3::text as t', [40, 2, 'héllo']);
    assert.deepStrictEqual(r.rows, [{ sum: 42, t: 'héllo' }]);
    r = await c.query({ text: 'select $1::text as a', values: [null] });
    assert.strictEqual(r.rows[0].a, null);
    // prepared (named) statements reused
    for (let i = 0; i < 3; i++) {
      r = await c.query({ name: 'double-it', text: 'select $1::int * 2 as d', values: [i] });
      assert.strictEqual(r.rows[0].d, i * 2);
    }
    // row mode, multiple statements in one simple query
    r = await c.query({ text: 'select 1 as a, 2 as b', rowMode: 'array' });
    assert.deepStrictEqual(r.rows, [[1, 2]]);
    r = await c.query('select 1 as x; select 2 as y');
    assert.strictEqual(r.length, 2);
    assert.deepStrictEqual([r[0].rows[0].x, r[1].rows[0].y], [1, 2]);
    // types
    r = await c.query(`select 12345678901234::int8 as big, 1.50::numeric as num, true as b,
       '2024-01-02T03:04:05Z'::timestamptz as tz, '2024-01-02'::date as d, '{"a":[1,2]}'::jsonb as j,
       array[1,2,3]::int4[] as arr, '\\x0102'::bytea as by, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u,
       2.5::float8 as f`);
    const row = r.rows[0];
    assert.strictEqual(row.big, '12345678901234');
    assert.strictEqual(row.num, '1.50');
    assert.strictEqual(row.b, true);
    assert.strictEqual(row.tz.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.deepStrictEqual(row.j, { a: [1, 2] });
    assert.deepStrictEqual(row.arr, [1, 2, 3]);
    assert.deepStrictEqual([...row.by], [1, 2]);
    assert.strictEqual(row.u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    assert.strictEqual(row.f, 2.5);
    // DML with parameters, rowCount, RETURNING
    await c.query('drop table if exists node_items');
    await c.query('create table node_items (id serial primary key, name text not null, meta jsonb)');
    r = await c.query('insert into node_items (name, meta) values ($1, $2), ($3, $4) returning id',
      ['a', { k: 1 }, 'b', null]);
    assert.strictEqual(r.rowCount, 2);
    assert.deepStrictEqual(r.rows.map(x => x.id), [1, 2]);
    r = await c.query('update node_items set name = upper(name) where id = any($1::int[])', [[1, 2]]);
    assert.strictEqual(r.rowCount, 2);
    assert.strictEqual(r.command, 'UPDATE');
    // transactions
    await c.query('begin');
    await c.query('insert into node_items (name) values ($1)', ['rolled back']);
    await c.query('rollback');
    await c.query('begin');
    await c.query('insert into node_items (name) values ($1)', ['kept']);
    await c.query('commit');
    r = await c.query('select count(*)::int as n from node_items');
    assert.strictEqual(r.rows[0].n, 3);
    // errors carry SQLSTATE and fields; the connection goes on
    try {
      await c.query('insert into node_items (id, name) values ($1, $2)', [1, 'dup']);
      assert.fail('expected a unique violation');
    } catch (e) {
      assert.strictEqual(e.code, '23505');
      assert.strictEqual(e.constraint, 'node_items_pkey');
      assert.strictEqual(e.detail, 'Key (id)=(1) already exists.');
    }
    try {
      await c.query('select 1/0');
      assert.fail('expected division by zero');
    } catch (e) {
      assert.strictEqual(e.code, '22012');
    }
    r = await c.query('select 1 as ok');
    assert.strictEqual(r.rows[0].ok, 1);
    results.client = 'ok';
  } finally {
    await c.end();
  }

  // pools: many concurrent queries over a few connections
  const pool = new Pool({ max: 5 });
  try {
    const jobs = [];
    for (let i = 0; i < 100; i++) {
      jobs.push(pool.query('select $1::int as i, pg_backend_pid() as pid', [i]));
    }
    const rs = await Promise.all(jobs);
    assert.deepStrictEqual(rs.map(x => x.rows[0].i), [...Array(100).keys()]);
    const pids = new Set(rs.map(x => x.rows[0].pid));
    assert.ok(pids.size >= 1 && pids.size <= 5);
    // a checked-out client with a transaction
    const pc = await pool.connect();
    try {
      await pc.query('begin');
      await pc.query('insert into node_items (name) values ($1)', ['pooled']);
      await pc.query('commit');
    } finally {
      pc.release();
    }
    const n = await pool.query('select count(*)::int as n from node_items');
    assert.strictEqual(n.rows[0].n, 4);
    results.pool = { connections: pids.size };
  } finally {
    await pool.end();
  }
  console.log(JSON.stringify(results));
}

main().catch(e => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
