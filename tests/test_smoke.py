"""End-to-end smoke test: a real server, a real client, a real query path."""
import psycopg
import pytest


def test_select_insert_update_delete(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        cur = c.cursor()
        cur.execute("create table smoke (id int primary key, name text not null, v numeric(6,2) default 1.5)")
        cur.execute("insert into smoke values (1,'a',2.25),(2,'b',default),(3,'c',null)")
        assert cur.statusmessage == "INSERT 0 3"
        cur.execute("select id, name, v from smoke where id >= %s order by id desc", (2,))
        assert [(r[0], r[1], None if r[2] is None else str(r[2])) for r in cur.fetchall()] == [
            (3, "c", None), (2, "b", "1.50")]
        cur.execute("update smoke set v = v * 2 where id = 1 returning v")
        assert str(cur.fetchone()[0]) == "4.50"
        cur.execute("delete from smoke where id = 3")
        assert cur.statusmessage == "DELETE 1"
        with pytest.raises(psycopg.errors.UniqueViolation) as ei:
            cur.execute("insert into smoke values (1, 'dup')")
        assert ei.value.diag.message_detail == "Key (id)=(1) already exists."
        cur.execute("select 1")
        assert cur.fetchone() == (1,)
