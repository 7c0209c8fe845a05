"""Table privileges are enforced as PostgreSQL 15 enforces them: the same
statements, run by a non-owner role on heliosd and on a real PostgreSQL 15,
succeed or fail alike, with the same SQLSTATE and message."""
from __future__ import annotations

import psycopg2
import pytest

SETUP = [
    "CREATE ROLE tp_user LOGIN PASSWORD 'tp_pw'",
    "CREATE SCHEMA tp_private",
    "CREATE TABLE tp_t (id int PRIMARY KEY, v text)",
    "CREATE TABLE tp_ro (id int PRIMARY KEY, v text)",
    "CREATE TABLE tp_ins (id int PRIMARY KEY, v text)",
    "CREATE TABLE tp_private.hidden (id int)",
    "INSERT INTO tp_t VALUES (1, 'a')",
    "INSERT INTO tp_ro VALUES (1, 'a')",
    "CREATE VIEW tp_v AS SELECT id, v FROM tp_t",
    "GRANT SELECT ON tp_ro TO tp_user",
    "GRANT INSERT ON tp_ins TO tp_user",
    "GRANT SELECT ON tp_v TO tp_user",
    "GRANT SELECT ON tp_private.hidden TO tp_user",
]

CASES = [
    "SELECT * FROM tp_t",
    "SELECT * FROM tp_ro",
    "SELECT count(*) FROM tp_ro r JOIN tp_t t USING (id)",
    "SELECT * FROM tp_ro WHERE id IN (SELECT id FROM tp_t)",
    "INSERT INTO tp_ro VALUES (2, 'b')",
    "UPDATE tp_ro SET v = 'x'",
    "DELETE FROM tp_ro",
    "INSERT INTO tp_ins VALUES (1, 'a')",
    "INSERT INTO tp_ins VALUES (2, 'b') RETURNING id",
    "SELECT * FROM tp_ins",
    "DELETE FROM tp_ins WHERE id = 1",
    "SELECT * FROM tp_v",  # the view reads tp_t with its owner's rights
    "SELECT * FROM tp_private.hidden",
    "WITH x AS (SELECT * FROM tp_t) SELECT * FROM x",
    "COPY tp_t TO STDOUT",
]


def run(conn_kw, grant_extra=()):
    out = []
    c = psycopg2.connect(**conn_kw)
    c.autocommit = True
    for sql in CASES:
        try:
            cur = c.cursor()
            if sql.startswith("COPY"):
                import io

                cur.copy_expert(sql, io.StringIO())
            else:
                cur.execute(sql)
            out.append((sql, "ok"))
        except psycopg2.Error as e:
            out.append((sql, e.pgcode, e.diag.message_primary))
    c.close()
    return out


@pytest.fixture(scope="module")
def both(heliosd, pg15):
    hc = psycopg2.connect(host=heliosd.host, port=heliosd.port, user=heliosd.user, password=heliosd.password,
                          dbname="postgres")
    hc.autocommit = True
    hc.cursor().execute("CREATE DATABASE br_priv")
    hc.close()
    pc = psycopg2.connect(pg15.dsn("postgres"))
    pc.autocommit = True
    pc.cursor().execute("CREATE DATABASE br_priv")
    pc.close()
    for kw in (dict(host=heliosd.host, port=heliosd.port, user=heliosd.user, password=heliosd.password,
                    dbname="br_priv"), {"dsn": pg15.dsn("br_priv")}):
        c = psycopg2.connect(**kw)
        c.autocommit = True
        for s in SETUP:
            c.cursor().execute(s)
        c.close()
    h = dict(host=heliosd.host, port=heliosd.port, user="tp_user", password="tp_pw", dbname="br_priv")
    p = psycopg2.extensions.parse_dsn(pg15.dsn("br_priv"))
    p.update(user="tp_user", password="tp_pw")
    return h, p


def test_same_outcomes_as_postgres(both):
    h, p = both
    got, want = run(h), run(p)
    assert got == want


def test_grant_and_revoke_take_effect(heliosd, both):
    h, _p = both
    admin = psycopg2.connect(host=heliosd.host, port=heliosd.port, user=heliosd.user, password=heliosd.password,
                             dbname="br_priv")
    admin.autocommit = True
    u = psycopg2.connect(**h)
    u.autocommit = True
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        u.cursor().execute("SELECT * FROM tp_t")
    admin.cursor().execute("GRANT SELECT ON tp_t TO PUBLIC")
    u.cursor().execute("SELECT * FROM tp_t")  # the cached failure is not reused
    admin.cursor().execute("REVOKE SELECT ON tp_t FROM PUBLIC")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        u.cursor().execute("SELECT * FROM tp_t")
    # membership in a role that holds the privilege (takes effect at once)
    admin.cursor().execute("CREATE ROLE tp_readers")
    admin.cursor().execute("GRANT SELECT ON tp_t TO tp_readers")
    admin.cursor().execute("GRANT tp_readers TO tp_user")
    u.cursor().execute("SELECT * FROM tp_t")
    admin.cursor().execute("REVOKE tp_readers FROM tp_user")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        u.cursor().execute("SELECT * FROM tp_t")
    u.close()
    admin.close()
