"""Authentication: SCRAM-SHA-256 verifiers and the server side of the exchange.

Passwords are never stored: a role keeps PostgreSQL's verifier format
``SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>``,
which is also what pg_authid.rolpassword shows (to superusers only).

A failed login always answers 28P01 ``password authentication failed for
user "x"``, whether or not the role exists (a dummy verifier is used for
unknown roles, so timing and messages do not reveal existence).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import scramp

ITERATIONS = 4096


def make_verifier(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if password.startswith("SCRAM-SHA-256$"):
        return password  # already a verifier (pg_dump output, ALTER ROLE ... PASSWORD 'SCRAM-...')
    salt = salt or os.urandom(16)
    salt, stored_key, server_key, iterations = scramp.ScramMechanism("SCRAM-SHA-256").make_auth_info(
        password, iteration_count=iterations, salt=salt)
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
            f"{b64(stored_key).decode()}:{b64(server_key).decode()}")


def parse_verifier(v: str):
    """(salt bytes, stored_key, server_key, iterations) from a verifier string."""
    head, keys = v.split("$", 1)[1].split("$")
    it, salt = head.split(":")
    stored, server = keys.split(":")
    b = base64.b64decode
    return b(salt), b(stored), b(server), int(it)


_DUMMY = make_verifier(os.urandom(12).hex())


class ScramServer:
    """One SCRAM-SHA-256 exchange (sans-IO), RFC 5802/7677.

    The exchange itself is implemented here rather than with scramp's server
    object: libpq (psql, psycopg, node-postgres...) sends an *empty* user
    name in client-first (``n=,r=...``; PostgreSQL authenticates the startup
    packet's user), which scramp's server rejects as malformed.  Key
    derivation and SASLprep still come from scramp (``make_verifier``).
    Channel binding is not offered (no SCRAM-SHA-256-PLUS), so the GS2 header
    must be ``n,,`` or ``y,,``.
    """

    def __init__(self, verifier: str | None):
        self.real = verifier is not None and verifier.startswith("SCRAM-SHA-256$")
        self.salt, self.stored_key, self.server_key, self.iterations = parse_verifier(
            verifier if self.real else _DUMMY)
        self.done = False
        self.client_first_bare = None
        self.server_first = None
        self.nonce = None
        self.gs2 = None

    @staticmethod
    def _attrs(msg: str) -> dict:
        out = {}
        for part in msg.split(","):
            if len(part) < 2 or part[1] != "=":
                raise ValueError(f"malformed SCRAM attribute {part!r}")
            out.setdefault(part[0], part[2:])
        return out

    def first(self, client_first: str) -> str:
        if client_first.startswith("p="):
            raise ValueError("channel binding is not supported")
        if not (client_first.startswith("n,") or client_first.startswith("y,")):
            raise ValueError("malformed GS2 header")
        i = client_first.index(",", 2)
        self.gs2 = client_first[:i + 1]
        bare = client_first[i + 1:]
        attrs = self._attrs(bare)
        cnonce = attrs.get("r")
        if not cnonce:
            raise ValueError("missing client nonce")
        self.client_first_bare = bare
        self.nonce = cnonce + base64.b64encode(os.urandom(18)).decode()
        self.server_first = f"r={self.nonce},s={base64.b64encode(self.salt).decode()},i={self.iterations}"
        return self.server_first

    def final(self, client_final: str) -> str:
        attrs = self._attrs(client_final)
        if attrs.get("r") != self.nonce:
            raise ValueError("nonce mismatch")
        cb = base64.b64decode(attrs.get("c", ""))
        if cb != self.gs2.encode():
            raise ValueError("channel binding mismatch")
        proof = base64.b64decode(attrs.get("p", ""))
        without_proof = client_final[:client_final.rindex(",p=")]
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        client_sig = hmac.new(self.stored_key, auth_message, hashlib.sha256).digest()
        if len(proof) != len(client_sig):
            raise ValueError("bad proof")
        client_key = bytes(a ^ b for a, b in zip(proof, client_sig))
        if not hmac.compare_digest(hashlib.sha256(client_key).digest(), self.stored_key) or not self.real:
            raise ValueError("password mismatch")
        server_sig = hmac.new(self.server_key, auth_message, hashlib.sha256).digest()
        self.done = True
        return "v=" + base64.b64encode(server_sig).decode()
