"""psycopg2's lobject API (libpq's lo_* client functions, which call the server
through the FunctionCall protocol message) against heliosd: create, write,
read, seek, truncate, unlink, client-side import/export, transactions and
branches."""
from __future__ import annotations

import re

import psycopg2
import psycopg2.errors
import pytest


@pytest.fixture
def conn(heliosd):
    c = psycopg2.connect(heliosd.dsn())
    yield c
    c.close()


def test_create_write_read_seek_truncate_unlink(conn):
    lo = conn.lobject(0, "wb")
    oid = lo.oid
    assert oid > 0
    data = bytes(range(256)) * 20  # 5120 bytes: three 2048-byte pages
    assert lo.write(data) == len(data)
    assert lo.tell() == len(data)
    assert lo.seek(100) == 100
    assert lo.read(10) == data[100:110]
    assert lo.seek(-10, 2) == len(data) - 10
    assert lo.read() == data[-10:]
    lo.seek(0)
    assert lo.read() == data
    # overwrite across a page boundary
    lo.seek(2040)
    lo.write(b"X" * 16)
    lo.seek(2030)
    assert lo.read(30) == data[2030:2040] + b"X" * 16 + data[2056:2060]
    lo.truncate(3000)
    assert lo.seek(0, 2) == 3000
    lo.truncate(4100)  # extending zero-fills
    lo.seek(2990)
    assert lo.read() == data[2990:3000] + bytes(1100)
    lo.close()
    conn.commit()

    lo = conn.lobject(oid, "rb")
    assert len(lo.read()) == 4100
    with pytest.raises(psycopg2.OperationalError, match="not opened for writing"):
        lo.write(b"nope")  # opened for reading only
    conn.rollback()

    cur = conn.cursor()
    cur.execute("select lomowner > 0 from pg_largeobject_metadata where oid = %s", (oid,))
    assert cur.fetchone() == (True,)
    cur.execute("select length(lo_get(%s)), lo_get(%s, 2040, 4)", (oid, oid))
    assert cur.fetchone()[0] == 4100
    conn.commit()

    conn.lobject(oid, "rb").unlink()
    conn.commit()
    with pytest.raises(psycopg2.Error, match=f"large object {oid} does not exist"):
        conn.lobject(oid, "rb")
    conn.rollback()


def test_text_mode_and_rollback(conn):
    lo = conn.lobject(0, "wt")
    oid = lo.oid
    lo.write("héllo wörld")
    lo.close()
    conn.rollback()  # the object was created in the rolled-back transaction
    with pytest.raises(psycopg2.Error, match="does not exist"):
        conn.lobject(oid, "r")
    conn.rollback()
    lo = conn.lobject(0, "wt")
    lo.write("héllo wörld")
    oid = lo.oid
    conn.commit()
    lo = conn.lobject(oid, "rt")
    assert lo.read() == "héllo wörld"
    lo.seek(1)
    assert lo.read(3) == "él"  # sizes are in bytes
    conn.rollback()


def test_client_side_import_export(conn, tmp_path):
    src = tmp_path / "src.bin"
    payload = bytes((i * 7) % 256 for i in range(10000))
    src.write_bytes(payload)
    lo = conn.lobject(0, "r", 0, str(src))  # libpq lo_import: the client reads the file
    oid = lo.oid
    conn.commit()
    dst = tmp_path / "dst.bin"
    conn.lobject(oid, "rb").export(str(dst))  # libpq lo_export: the client writes the file
    assert dst.read_bytes() == payload
    cur = conn.cursor()
    cur.execute("select sum(length(data)), count(*) from pg_largeobject where loid = %s", (oid,))
    assert cur.fetchone() == (10000, 5)
    # the server-file variants are refused (a multi-tenant server's files are not the client's)
    with pytest.raises(psycopg2.errors.FeatureNotSupported):
        cur.execute("select lo_import(%s)", (str(src),))
    conn.rollback()
    conn.lobject(oid).unlink()
    conn.commit()


def test_descriptors_are_per_transaction(conn):
    cur = conn.cursor()
    cur.execute("select lo_creat(-1)")
    oid = cur.fetchone()[0]
    cur.execute("select lo_open(%s, 393216), lo_open(%s, 262144)", (oid, oid))
    assert cur.fetchone() == (0, 1)
    cur.execute("select lowrite(0, 'abc'), lo_close(0), lo_open(%s, 131072)", (oid,))
    assert cur.fetchone() == (3, 0, 0)  # the lowest free descriptor
    conn.commit()
    with pytest.raises(psycopg2.errors.UndefinedObject, match="invalid large-object descriptor: 1"):
        cur.execute("select loread(1, 10)")  # closed at the end of its transaction
    conn.rollback()
    cur.execute("select lo_unlink(%s)", (oid,))
    conn.commit()


def test_fork_sees_parents_objects_copy_on_write(conn, heliosd):
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("select lo_from_bytea(0, 'parent data')")
    oid = cur.fetchone()[0]
    cur.execute("create branch lo_fork")
    child = psycopg2.connect(heliosd.dsn(), options="-c helios.branch=lo_fork")
    try:
        lo = child.lobject(oid, "wb")
        assert lo.read() == b"parent data"
        lo.seek(0)
        lo.write(b"CHILD")
        child.commit()
        c2 = child.cursor()
        c2.execute("select lo_get(%s)", (oid,))
        assert bytes(c2.fetchone()[0]) == b"CHILDt data"
        child.commit()
    finally:
        child.close()
    cur.execute("select lo_get(%s)", (oid,))
    assert bytes(cur.fetchone()[0]) == b"parent data"
    cur.execute("select lo_unlink(%s)", (oid,))
    cur.execute("drop branch lo_fork")


def test_read_only_transactions_cannot_write(conn):
    """Difference from PostgreSQL 15 (which lets lo_create/lowrite/... write in a read-only
    transaction; PostgreSQL 16 refuses them): storage refuses every write of a read-only
    transaction, so these are 25006 as in PostgreSQL 16."""
    cur = conn.cursor()
    cur.execute("select lo_from_bytea(0, 'ro')")
    oid = cur.fetchone()[0]
    conn.commit()
    conn.set_session(readonly=True)
    for sql, what in [("select lo_create(0)", "lo_create()"), (f"select lo_open({oid}, 131072)", "lo_open(INV_WRITE)"),
                      (f"select lo_put({oid}, 0, 'x')", "lo_put()"), (f"select lo_unlink({oid})", "lo_unlink()")]:
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction, match=re.escape(f"cannot execute {what}")):
            cur.execute(sql)
        conn.rollback()
    cur.execute(f"select lo_get({oid})")
    assert bytes(cur.fetchone()[0]) == b"ro"
    conn.rollback()
    conn.set_session(readonly=False)
    cur.execute(f"select lo_unlink({oid})")
    conn.commit()
