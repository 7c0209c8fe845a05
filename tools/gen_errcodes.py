"""Regenerate heliosd/errcodes.py from PostgreSQL's errcodes.txt.

Usage: python tools/gen_errcodes.py [/usr/share/postgresql/15/errcodes.txt]
"""
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/postgresql/15/errcodes.txt"
out = ['"""SQLSTATE codes, generated from PostgreSQL 15\'s errcodes.txt by tools/gen_errcodes.py.\n\nDo not edit by hand."""\n', "CODES = {"]
names = []
for line in open(src).read().splitlines():
    if not line or line.startswith("#") or line.startswith("Section"):
        continue
    parts = line.split()
    if len(parts) < 4:
        continue
    code, _kind, _macro, name = parts[:4]
    out.append(f"    {name!r}: {code!r},")
    names.append((name, code))
out.append("}\n")
seen = set()
for name, code in names:
    if name.upper() in seen:
        continue
    seen.add(name.upper())
    out.append(f"{name.upper()} = {code!r}")
open("heliosd/errcodes.py", "w").write("\n".join(out) + "\n")
