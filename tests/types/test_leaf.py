"""heliosd.types is a leaf: stdlib plus heliosd.errors / heliosd.errcodes only."""

from __future__ import annotations

import ast
import os
import sys

import heliosd.types as T

PKG = os.path.dirname(T.__file__)
ALLOWED_HELIOSD = {"heliosd.errors", "heliosd.errcodes"}


def _imports(path):
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, 0
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module, 0
            else:
                yield (node.module or ""), node.level


def test_types_imports_only_stdlib_and_errors():
    stdlib = sys.stdlib_module_names
    for fn in sorted(os.listdir(PKG)):
        if not fn.endswith(".py"):
            continue
        for mod, level in _imports(os.path.join(PKG, fn)):
            if level == 1:
                continue  # within heliosd.types
            if level == 2:
                assert f"heliosd.{mod}" in ALLOWED_HELIOSD or mod in ("", None), (fn, mod)
                continue
            top = mod.split(".")[0]
            assert top in stdlib or top == "__future__" or mod in ALLOWED_HELIOSD, (fn, mod)


def test_public_names():
    for name in ("INT4", "TEXT_ARRAY", "by_oid", "lookup_type_name", "parse_type_name", "format_type", "find_cast",
                 "coerce", "common_type", "Interval", "JSON_NULL", "parse_timezone", "to_text", "from_text",
                 "to_binary", "from_binary", "infer_type"):
        assert hasattr(T, name), name
    assert not hasattr(T, "A") and not hasattr(T, "TM")
