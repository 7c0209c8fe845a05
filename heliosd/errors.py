"""Errors that reach a client carry a SQLSTATE, as PostgreSQL's do.

Every user-visible failure is a :class:`PgError` (or subclass) with the fields
of an ErrorResponse: severity, SQLSTATE code, message, and optionally detail,
hint, position (1-based character offset into the statement text), and the
schema/table/column/constraint names PostgreSQL reports.

Anything else that escapes a statement is an internal bug: the session turns
it into ``XX000`` (internal_error), logs the traceback, and goes on.

This is a leaf module: anyone may import it.
"""

from __future__ import annotations

from . import errcodes


class PgError(Exception):
    """An error with PostgreSQL's ErrorResponse fields."""

    code = errcodes.INTERNAL_ERROR
    severity = "ERROR"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        *,
        detail: str | None = None,
        hint: str | None = None,
        position: int | None = None,
        severity: str | None = None,
        schema: str | None = None,
        table: str | None = None,
        column: str | None = None,
        constraint: str | None = None,
        datatype: str | None = None,
        where: str | None = None,
        routine: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if severity is not None:
            self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint
        self.datatype = datatype
        self.where = where
        # the R field: PostgreSQL's C function that raised it; sent only where clients rely on
        # it (asyncpg recognizes RevalidateCachedQuery's "cached plan must not change" by it)
        self.routine = routine

    def fields(self) -> dict[str, str]:
        """ErrorResponse fields keyed by their one-letter protocol code."""
        f = {"S": self.severity, "V": self.severity, "C": self.code, "M": self.message}
        if self.detail is not None:
            f["D"] = self.detail
        if self.hint is not None:
            f["H"] = self.hint
        if self.position is not None:
            f["P"] = str(self.position)
        if self.where is not None:
            f["W"] = self.where
        if self.schema is not None:
            f["s"] = self.schema
        if self.table is not None:
            f["t"] = self.table
        if self.column is not None:
            f["c"] = self.column
        if self.datatype is not None:
            f["d"] = self.datatype
        if self.constraint is not None:
            f["n"] = self.constraint
        if getattr(self, "routine", None) is not None:
            f["R"] = self.routine
        return f

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"PgError({self.code}, {self.message!r})"


def err(code: str, message: str, **kw) -> PgError:
    return PgError(message, code, **kw)


# Frequently raised kinds, named for readability at the raise site.

def syntax_error(message: str, **kw) -> PgError:
    return PgError(message, errcodes.SYNTAX_ERROR, **kw)


def undefined_table(name: str, **kw) -> PgError:
    return PgError(f'relation "{name}" does not exist', errcodes.UNDEFINED_TABLE, **kw)


def undefined_column(name: str, **kw) -> PgError:
    return PgError(f'column "{name}" does not exist', errcodes.UNDEFINED_COLUMN, **kw)


def feature_not_supported(what: str, **kw) -> PgError:
    return PgError(what, errcodes.FEATURE_NOT_SUPPORTED, **kw)


def internal(message: str) -> PgError:
    return PgError(message, errcodes.INTERNAL_ERROR)


class SerializationFailure(PgError):
    code = errcodes.SERIALIZATION_FAILURE

    def __init__(self, message: str = "could not serialize access due to concurrent update", **kw):
        super().__init__(message, **kw)


class DeadlockDetected(PgError):
    code = errcodes.DEADLOCK_DETECTED

    def __init__(self, message: str = "deadlock detected", **kw):
        super().__init__(message, **kw)


class LockNotAvailable(PgError):
    code = errcodes.LOCK_NOT_AVAILABLE

    def __init__(self, message: str = "canceling statement due to lock timeout", **kw):
        super().__init__(message, **kw)


class QueryCanceled(PgError):
    code = errcodes.QUERY_CANCELED

    def __init__(self, message: str = "canceling statement due to user request", **kw):
        super().__init__(message, **kw)


class FatalError(PgError):
    """Ends the connection after the ErrorResponse is sent."""

    severity = "FATAL"
