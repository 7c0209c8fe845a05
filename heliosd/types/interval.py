"""interval: the :class:`Interval` value class and its arithmetic.

An interval is three independent fields, as in PostgreSQL: ``months``
(int32), ``days`` (int32) and ``micros`` (int64).  They are not normalized
into each other ('1 mon' stays 1 month, '30 days' stays 30 days), but
comparison, equality and hashing use PostgreSQL's ``interval_cmp`` rule: one
month counts 30 days and one day 24 hours, so ``'1 mon' = '30 days'`` and
both hash alike.  :meth:`Interval.total_micros` is that comparison key (the
storage layer's ``keycode.enc_interval`` orders by the same quantity).
"""

from __future__ import annotations

import math

from ..errors import PgError
from ._util import DATETIME_OVERFLOW

USECS_PER_DAY = 86_400_000_000
USECS_PER_HOUR = 3_600_000_000
USECS_PER_MINUTE = 60_000_000
USECS_PER_SEC = 1_000_000
DAYS_PER_MONTH = 30
SECS_PER_DAY = 86400

INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def _range_error() -> PgError:
    return PgError("interval out of range", DATETIME_OVERFLOW)


def _tsround(x: float) -> float:
    return round(x * 1e6) / 1e6  # Python's round() is half-even, as rint()


def _rint(x: float) -> float:
    return float(round(x))


class Interval:
    """An immutable PostgreSQL interval value."""

    __slots__ = ("months", "days", "micros")

    def __init__(self, months: int = 0, days: int = 0, micros: int = 0):
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "micros", micros)

    def __setattr__(self, name, value):
        raise AttributeError("Interval is immutable")

    def __delattr__(self, name):
        raise AttributeError("Interval is immutable")

    def __reduce__(self):
        return (Interval, (self.months, self.days, self.micros))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    # -- comparison (PostgreSQL's interval_cmp_value) --------------------------

    def total_micros(self) -> int:
        """months*30 days + days*24 h + micros, in microseconds: the comparison key."""
        return (self.months * DAYS_PER_MONTH + self.days) * USECS_PER_DAY + self.micros

    def __eq__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() == other.total_micros()
        return NotImplemented

    def __ne__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() != other.total_micros()
        return NotImplemented

    def __lt__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() < other.total_micros()
        return NotImplemented

    def __le__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() <= other.total_micros()
        return NotImplemented

    def __gt__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() > other.total_micros()
        return NotImplemented

    def __ge__(self, other):
        if other.__class__ is Interval:
            return self.total_micros() >= other.total_micros()
        return NotImplemented

    def __hash__(self):
        return hash(self.total_micros())

    def identical(self, other: "Interval") -> bool:
        """Field-by-field equality ('1 mon' is not identical to '30 days')."""
        return (self.months, self.days, self.micros) == (other.months, other.days, other.micros)

    def __repr__(self):
        return f"Interval(months={self.months}, days={self.days}, micros={self.micros})"

    def __str__(self):
        from .temporal import interval_out
        return interval_out(self)

    def __bool__(self):
        return bool(self.months or self.days or self.micros)

    # -- arithmetic ----------------------------------------------------------------

    def add(self, other: "Interval") -> "Interval":
        return checked(self.months + other.months, self.days + other.days, self.micros + other.micros)

    def sub(self, other: "Interval") -> "Interval":
        return checked(self.months - other.months, self.days - other.days, self.micros - other.micros)

    def neg(self) -> "Interval":
        return checked(-self.months, -self.days, -self.micros)

    __add__ = add
    __sub__ = sub
    __neg__ = neg

    def __pos__(self):
        return self

    def mul(self, factor) -> "Interval":
        """interval * number, PostgreSQL's interval_mul (fractions cascade down)."""
        factor = float(factor)
        orig_month, orig_day = self.months, self.days
        rd = orig_month * factor
        if math.isnan(rd) or not (INT32_MIN <= rd < INT32_MAX + 1):
            raise _range_error()
        month = int(rd)
        rd = orig_day * factor
        if math.isnan(rd) or not (INT32_MIN <= rd < INT32_MAX + 1):
            raise _range_error()
        day = int(rd)
        month_remainder_days = _tsround((orig_month * factor - month) * DAYS_PER_MONTH)
        sec_remainder = _tsround((orig_day * factor - day + month_remainder_days
                                  - int(month_remainder_days)) * SECS_PER_DAY)
        if abs(sec_remainder) >= SECS_PER_DAY:
            day += int(sec_remainder / SECS_PER_DAY)
            sec_remainder -= int(sec_remainder / SECS_PER_DAY) * SECS_PER_DAY
        day += int(month_remainder_days)
        rd = _rint(self.micros * factor + sec_remainder * USECS_PER_SEC)
        if math.isnan(rd) or not (INT64_MIN <= rd < 2.0**63):
            raise _range_error()
        return checked(month, day, int(rd))

    def div(self, factor) -> "Interval":
        """interval / number, PostgreSQL's interval_div."""
        factor = float(factor)
        if factor == 0.0:
            raise PgError("division by zero", "22012")
        rm = self.months / factor
        rd = self.days / factor
        if math.isnan(rm) or math.isnan(rd) or not (INT32_MIN <= rm < INT32_MAX + 1) or \
                not (INT32_MIN <= rd < INT32_MAX + 1):
            raise _range_error()
        month = int(rm)
        day = int(rd)
        month_remainder_days = _tsround((rm - month) * DAYS_PER_MONTH)
        sec_remainder = _tsround((rd - day + month_remainder_days - int(month_remainder_days)) * SECS_PER_DAY)
        if abs(sec_remainder) >= SECS_PER_DAY:
            day += int(sec_remainder / SECS_PER_DAY)
            sec_remainder -= int(sec_remainder / SECS_PER_DAY) * SECS_PER_DAY
        day += int(month_remainder_days)
        r = _rint(self.micros / factor + sec_remainder * USECS_PER_SEC)
        if math.isnan(r) or not (INT64_MIN <= r < 2.0**63):
            raise _range_error()
        return checked(month, day, int(r))

    def __mul__(self, factor):
        if isinstance(factor, (int, float)) or hasattr(factor, "as_tuple"):
            return self.mul(factor)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, factor):
        if isinstance(factor, (int, float)) or hasattr(factor, "as_tuple"):
            return self.div(factor)
        return NotImplemented

    # -- PostgreSQL helper functions ----------------------------------------------

    def justify_hours(self) -> "Interval":
        days, micros = self.days, self.micros
        wholeday = int(micros / USECS_PER_DAY)  # truncates toward zero
        micros -= wholeday * USECS_PER_DAY
        days += wholeday
        if days > 0 and micros < 0:
            micros += USECS_PER_DAY
            days -= 1
        elif days < 0 and micros > 0:
            micros -= USECS_PER_DAY
            days += 1
        return checked(self.months, days, micros)

    def justify_days(self) -> "Interval":
        months, days = self.months, self.days
        wholemonth = int(days / DAYS_PER_MONTH)
        days -= wholemonth * DAYS_PER_MONTH
        months += wholemonth
        if months > 0 and days < 0:
            days += DAYS_PER_MONTH
            months -= 1
        elif months < 0 and days > 0:
            days -= DAYS_PER_MONTH
            months += 1
        return checked(months, days, self.micros)


def checked(months: int, days: int, micros: int) -> Interval:
    """Build an Interval, raising 22008 'interval out of range' on int32/int64 overflow."""
    if not (INT32_MIN <= months <= INT32_MAX and INT32_MIN <= days <= INT32_MAX
            and INT64_MIN <= micros <= INT64_MAX):
        raise _range_error()
    return Interval(months, days, micros)


ZERO = Interval(0, 0, 0)
