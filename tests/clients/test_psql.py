"""psql against heliosd: -c, -f, \\copy, ON_ERROR_STOP, meta-commands."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PSQL = shutil.which("psql")
pytestmark = pytest.mark.skipif(PSQL is None, reason="psql is not installed (make system-deps)")


def psql(server, *args, stdin=None, check=True, timeout=60):
    env = dict(os.environ, PGPASSWORD=server.password, PGCONNECT_TIMEOUT="10")
    cmd = [PSQL, "-X", "-h", server.host, "-p", str(server.port), "-U", server.user, "-d", "postgres", *args]
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"psql {args} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def test_dash_c(heliosd):
    r = psql(heliosd, "-At", "-c", "select 1 + 1", "-c", "select 'a' || 'b'")
    assert r.stdout.split() == ["2", "ab"]
    r = psql(heliosd, "-At", "-c", "select 1; select 2")
    assert r.stdout.split() == ["1", "2"]


def test_dash_f_script(heliosd, tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("""
drop table if exists psql_items;
create table psql_items (id serial primary key, name text not null, qty int default 0);
insert into psql_items (name, qty) values ('apple', 3), ('pear', 5);
begin;
update psql_items set qty = qty + 1 where name = 'apple';
commit;
\\set item pear
select name, qty from psql_items where name = :'item';
select count(*) as n, sum(qty) as total from psql_items;
""")
    r = psql(heliosd, "-At", "-F", ",", "-f", str(script))
    lines = [ln for ln in r.stdout.splitlines() if ln and ln[0].isalpha() or ln[:1].isdigit()]
    assert "pear,5" in lines and "2,9" in lines


def test_on_error_stop(heliosd, tmp_path):
    script = tmp_path / "e.sql"
    script.write_text("select 1 as first;\nselect 1/0;\nselect 3 as third;\n")
    r = psql(heliosd, "-At", "-v", "ON_ERROR_STOP=1", "-f", str(script), check=False)
    assert r.returncode == 3
    assert "division by zero" in r.stderr and "3" not in r.stdout.split()
    r = psql(heliosd, "-At", "-f", str(script), check=False)
    assert r.returncode == 0 and r.stdout.split() == ["1", "3"]
    # a single -c with ON_ERROR_STOP
    r = psql(heliosd, "-v", "ON_ERROR_STOP=1", "-c", "select * from no_such_table_xyz", check=False)
    assert r.returncode == 1 and 'relation "no_such_table_xyz" does not exist' in r.stderr


def test_backslash_copy(heliosd, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,one\n2,\"two, with comma\"\n3,\n")
    out = tmp_path / "out.txt"
    psql(heliosd, "-c", "drop table if exists psql_copy", "-c", "create table psql_copy (id int, name text)")
    r = psql(heliosd, "-c", f"\\copy psql_copy from '{src}' with (format csv, header)")
    assert "COPY 3" in r.stdout
    psql(heliosd, "-c", f"\\copy (select * from psql_copy order by id) to '{out}'")
    assert out.read_text() == "1\tone\n2\ttwo, with comma\n3\t\\N\n"
    # \copy from stdin inside a script
    r = psql(heliosd, "-At", "-f", "-", stdin="\\copy psql_copy from stdin\n4\tfour\n\\.\nselect count(*) from psql_copy;\n")
    assert r.stdout.split()[-1] == "4"
    # COPY ... TO STDOUT goes to psql's output
    r = psql(heliosd, "-At", "-c", "copy (select id from psql_copy order by id) to stdout with csv")
    assert r.stdout.split() == ["1", "2", "3", "4"]


def test_meta_commands(heliosd):
    psql(heliosd, "-c", "drop table if exists psql_meta", "-c",
         "create table psql_meta (id int primary key, label varchar(20) not null default 'x')")
    r = psql(heliosd, "-c", "\\dt psql_meta")
    assert "psql_meta" in r.stdout and "table" in r.stdout
    r = psql(heliosd, "-c", "\\d psql_meta")
    assert "label" in r.stdout and "character varying(20)" in r.stdout and "psql_meta_pkey" in r.stdout
    r = psql(heliosd, "-c", "\\l")
    assert "postgres" in r.stdout and "template1" in r.stdout
    r = psql(heliosd, "-c", "\\du")
    assert heliosd.user in r.stdout
    r = psql(heliosd, "-At", "-c", "\\conninfo")
    assert "postgres" in r.stdout


def test_variables_and_gset(heliosd):
    r = psql(heliosd, "-At", "-f", "-", stdin="select 7 as seven \\gset\nselect :seven * 6;\n")
    assert r.stdout.split() == ["42"]
