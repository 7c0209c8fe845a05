"""Fixtures for the branch / tenant workflow tests (tests/branches): see util.py."""
from __future__ import annotations

import pytest

from .util import connect, workload_file


@pytest.fixture(scope="session")
def saas(heliosd):
    made = set()

    def make(name: str) -> str:
        if name in made:
            return name
        c = connect(heliosd, "postgres")
        c.cursor().execute(f"CREATE DATABASE {name}")
        c.close()
        c = connect(heliosd, name)
        cur = c.cursor()
        for stmt in workload_file("template_v47.sql").split(";"):
            if stmt.strip():
                cur.execute(stmt)
        c.close()
        made.add(name)
        return name

    return make
