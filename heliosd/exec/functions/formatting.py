"""to_char / to_date / to_timestamp / to_number (PostgreSQL's formatting.c).

Date/time patterns: HH HH12 HH24 MI SS MS US FF1..FF6 SSSS SSSSS AM PM A.M.
P.M. (any case) Y,YYY YYYY YYY YY Y IYYY IYY IY I BC AD B.C. A.D. MONTH Month
month MON Mon mon MM DAY Day day DY Dy dy DDD IDDD DD D ID W WW IW CC J Q RM
rm TZ tz TZH TZM OF, with the FM (fill mode) prefix and TH/th suffix;
``"quoted text"`` and backslash-escaped characters are copied.  Names are
English (the TM prefix is accepted and ignored).

Numeric patterns: 9 0 . , D G S MI PL SG PR L(=space) V EEEE RN FM TH/th,
other characters copied.  Numbers are rounded half away from zero to the
pattern's decimal places; too many integer digits print as ``#``.

to_date/to_timestamp parse the same date patterns (FX is accepted; field
separators are skipped loosely, as PostgreSQL does without FX).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from ...types.casts import _local_to_utc, _utc_to_local
from .. import runtime
from . import register

TX = T.TEXT
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_RM = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# longest first, so that e.g. HH24 wins over HH
_DT_PATTERNS = sorted([
    "A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "Day", "Dy", "D", "FF1", "FF2", "FF3",
    "FF4", "FF5", "FF6", "FX", "HH12", "HH24", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I", "J", "MI", "MM",
    "MONTH", "MON", "MS", "Month", "Mon", "OF", "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS", "TZH", "TZM", "TZ",
    "US", "WW", "W", "Y,YYY", "YYYY", "YYY", "YY", "Y", "a.d.", "a.m.", "ad", "am", "b.c.", "bc", "day", "dy",
    "month", "mon", "p.m.", "pm", "rm", "tz", "of",
], key=len, reverse=True)
_CI = {"hh12", "hh24", "hh", "mi", "ss", "ms", "us", "ff1", "ff2", "ff3", "ff4", "ff5", "ff6", "ssss", "sssss",
       "y,yyy", "yyyy", "yyy", "yy", "y", "iyyy", "iyy", "iy", "i", "mm", "ddd", "iddd", "dd", "d", "id", "w", "ww",
       "iw", "cc", "j", "q", "tzh", "tzm", "fx"}


def _tokenize(fmt):
    """[(kind, value, fm, th)]: kind 'p' pattern / 'l' literal."""
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c == '"':
            j = i + 1
            buf = []
            while j < n and fmt[j] != '"':
                if fmt[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(fmt[j])
                j += 1
            out.append(("l", "".join(buf), False, None))
            i = j + 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(("l", fmt[i + 1], False, None))
            i += 2
            continue
        fm = False
        j = i
        while True:
            if fmt[j:j + 2].upper() == "FM":
                fm = True
                j += 2
            elif fmt[j:j + 2].upper() == "TM":
                j += 2
            else:
                break
        pat = None
        for p in _DT_PATTERNS:
            seg = fmt[j:j + len(p)]
            if seg == p or (p.lower() in _CI and seg.lower() == p.lower()):
                pat = p if p.lower() not in _CI else p.upper()
                break
        if pat is None:
            if j > i:
                # dangling FM/TM: treat as literal
                out.append(("l", fmt[i:j], False, None))
                i = j
                continue
            out.append(("l", c, False, None))
            i += 1
            continue
        j += len(pat)
        th = None
        if fmt[j:j + 2] in ("TH", "th"):
            th = fmt[j:j + 2]
            j += 2
        out.append(("p", pat, fm, th))
        i = j
    return out


def _ordinal(n, th):
    n = abs(n)
    if 10 <= n % 100 <= 20:
        s = "th"
    else:
        s = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return s.upper() if th == "TH" else s


def _num(v, width, fm, th):
    s = str(abs(v)) if fm else ("%0*d" % (width, abs(v)))
    if v < 0:
        s = "-" + s
    if th:
        s += _ordinal(v, th)
    return s


def _cased(word, pat):
    if pat.isupper() and len(pat) > 1 and not pat[1:].islower():
        return word.upper()
    if pat[0].islower():
        return word.lower()
    return word


def _iso_year_start(y):
    jan4 = _dt.date(y, 1, 4)
    return jan4 - _dt.timedelta(days=jan4.isoweekday() - 1)


def _format_dt(fields, fmt, is_interval=False):
    """fields: dict with year, month, day, hour, minute, second, us, date (or None), offset (secs) or None."""
    out = []
    for kind, p, fm, th in _tokenize(fmt):
        if kind == "l":
            out.append(p)
            continue
        y, mo, d = fields["year"], fields["month"], fields["day"]
        h, mi, s, us = fields["hour"], fields["minute"], fields["second"], fields["us"]
        date = fields.get("date")
        up = p.upper()
        if up == "HH24":
            out.append(_num(h, 2, fm, th))
        elif up in ("HH", "HH12"):
            hh = h % 12
            if hh == 0 and not is_interval:
                hh = 12
            out.append(_num(hh, 2, fm, th))
        elif up == "MI":
            out.append(_num(mi, 2, fm, th))
        elif up == "SS":
            out.append(_num(s, 2, fm, th))
        elif up == "MS":
            out.append(_num(us // 1000, 3, fm, th))
        elif up == "US":
            out.append(_num(us, 6, fm, th))
        elif up.startswith("FF"):
            k = int(up[2])
            out.append(_num(us // 10 ** (6 - k), k, fm, th))
        elif up in ("SSSS", "SSSSS"):
            out.append(_num((h * 60 + mi) * 60 + s, 0, True, th))
        elif up in ("AM", "PM", "A.M.", "P.M."):
            pm = h >= 12
            word = ("P.M." if pm else "A.M.") if "." in up else ("PM" if pm else "AM")
            out.append(word if p[0].isupper() else word.lower())
        elif up == "Y,YYY":
            out.append("%d,%03d" % (y // 1000, y % 1000))
        elif up == "YYYY":
            out.append(_num(y, 4, fm, th))
        elif up == "YYY":
            out.append(_num(y % 1000, 3, fm, th))
        elif up == "YY":
            out.append(_num(y % 100, 2, fm, th))
        elif up == "Y":
            out.append(_num(y % 10, 1, fm, th))
        elif up in ("IYYY", "IYY", "IY", "I"):
            iy = date.isocalendar()[0] if date else y
            w = {"IYYY": 4, "IYY": 3, "IY": 2, "I": 1}[up]
            out.append(_num(iy % (10 ** w) if w < 4 else iy, w, fm, th))
        elif up in ("BC", "AD", "B.C.", "A.D."):
            word = "A.D." if "." in up else "AD"
            out.append(word if p[0].isupper() else word.lower())
        elif up in ("MONTH", "MON"):
            name = _MONTHS[mo - 1] if mo else ""
            if up == "MON":
                name = name[:3]
            name = _cased(name, p)
            out.append(name if fm or up == "MON" else name.ljust(9))
        elif up == "MM":
            out.append(_num(mo, 2, fm, th))
        elif up in ("DAY", "DY"):
            name = _DAYS[date.isoweekday() % 7] if date else ""
            if up == "DY":
                name = name[:3]
            name = _cased(name, p)
            out.append(name if fm or up == "DY" else name.ljust(9))
        elif up == "DDD":
            out.append(_num(date.timetuple().tm_yday if date else d, 3, fm, th))
        elif up == "IDDD":
            v = (date - _iso_year_start(date.isocalendar()[0])).days + 1 if date else d
            out.append(_num(v, 3, fm, th))
        elif up == "DD":
            out.append(_num(d, 2, fm, th))
        elif up == "D":
            out.append(_num(date.isoweekday() % 7 + 1 if date else 0, 1, fm, th))
        elif up == "ID":
            out.append(_num(date.isoweekday() if date else 0, 1, fm, th))
        elif up == "W":
            out.append(_num((d - 1) // 7 + 1, 1, fm, th))
        elif up == "WW":
            doy = date.timetuple().tm_yday if date else 1
            out.append(_num((doy - 1) // 7 + 1, 2, fm, th))
        elif up == "IW":
            out.append(_num(date.isocalendar()[1] if date else 0, 2, fm, th))
        elif up == "CC":
            cc = (y + 99) // 100 if not is_interval else y // 100
            out.append(_num(cc, 2, fm, th))
        elif up == "J":
            out.append(_num(date.toordinal() + 1721425 if date else 0, 0, True, th))
        elif up == "Q":
            out.append(_num((mo - 1) // 3 + 1 if mo else 0, 1, fm, th))
        elif up == "RM":
            r = _RM[mo - 1] if mo else ""
            r = r if p == "RM" else r.lower()
            out.append(r if fm else r.ljust(4))
        elif up in ("TZ", "OF", "TZH", "TZM"):
            off = fields.get("offset")
            if off is None:
                if up in ("TZ",):
                    out.append("")
                    continue
                off = 0
            sign = "-" if off < 0 else "+"
            a = abs(off)
            hh, mm = a // 3600, (a % 3600) // 60
            if up == "TZH":
                out.append(f"{sign}{hh:02d}")
            elif up == "TZM":
                out.append(f"{mm:02d}")
            elif up == "OF":
                out.append(f"{sign}{hh:02d}" + (f":{mm:02d}" if mm else ""))
            else:
                name = fields.get("tzname") or (f"{sign}{hh:02d}" + (f":{mm:02d}" if mm else ""))
                out.append(name if p == "TZ" else name.lower())
        elif up == "FX":
            pass
        else:
            out.append(p)
    return "".join(out)


def _fields_of(dt, date=None, offset=None, tzname=None):
    return {"year": dt.year, "month": dt.month, "day": dt.day, "hour": dt.hour, "minute": dt.minute,
            "second": dt.second, "us": dt.microsecond, "date": date if date is not None else dt.date(),
            "offset": offset, "tzname": tzname}


def to_char_ts(ts, fmt):
    if T.is_infinite(ts) or not fmt:
        return None
    return _format_dt(_fields_of(ts), fmt)


def to_char_tstz(ts, fmt):
    if T.is_infinite(ts) or not fmt:
        return None
    z = runtime.state.tz or _dt.timezone.utc
    local = ts.astimezone(z)
    off = local.utcoffset()
    secs = off.days * 86400 + off.seconds
    name = local.tzname()
    if name and (name[0] in "+-" or name.startswith("UTC") and len(name) > 3):
        a = abs(secs)
        name = ("-" if secs < 0 else "+") + "%02d" % (a // 3600) + (":%02d" % (a % 3600 // 60) if a % 3600 else "")
    return _format_dt(_fields_of(local, offset=secs, tzname=name), fmt)


def to_char_interval(iv, fmt):
    if not fmt:
        return None
    years, mons = divmod(abs(iv.months), 12)
    sgn = -1 if iv.months < 0 else 1
    us = iv.micros
    neg = us < 0
    a = abs(us)
    h, rem = divmod(a, 3_600_000_000)
    mi, rem = divmod(rem, 60_000_000)
    s, u = divmod(rem, 1_000_000)
    if neg:
        h, mi, s, u = -h, -mi, -s, -u
    f = {"year": sgn * years, "month": sgn * mons, "day": iv.days, "hour": h, "minute": mi, "second": s, "us": u,
         "date": None, "offset": None}
    return _format_dt(f, fmt, is_interval=True)


register("to_char", [T.TIMESTAMP, TX], TX, to_char_ts)
register("to_char", [T.TIMESTAMPTZ, TX], TX, to_char_tstz, volatility="s")
register("to_char", [T.INTERVAL, TX], TX, to_char_interval)


# ====================================================================== to_date / to_timestamp


def _bad_value(val, pat, detail):
    return PgError(f'invalid value "{val}" for "{pat}"', errcodes.INVALID_DATETIME_FORMAT, detail=detail)


def _parse_dt(s, fmt, typname):
    toks = _tokenize(fmt)
    vals = {}
    i = 0
    n = len(s)
    pm = None
    tz = None

    def skip_spaces():
        nonlocal i
        while i < n and s[i].isspace():
            i += 1

    for k, (kind, p, fm, th) in enumerate(toks):
        if kind == "l":
            if p.isspace():
                skip_spaces()
                continue
            if i < n and s[i] == p:
                i += 1
            elif i < n and not s[i].isalnum():
                i += 1
            continue
        up = p.upper()
        skip_spaces() if up not in ("FX",) else None
        if up in ("MONTH", "MON"):
            for idx, nm in enumerate(_MONTHS):
                cand = nm if up == "MONTH" else nm[:3]
                if s[i:i + len(cand)].lower() == cand.lower():
                    vals["month"] = idx + 1
                    i += len(cand)
                    break
            else:
                raise _bad_value(s[i:i + 3], p, "The given value did not match any of the allowed values for "
                                                "this field.")
            continue
        if up in ("DAY", "DY"):
            for nm in _DAYS:
                cand = nm if up == "DAY" else nm[:3]
                if s[i:i + len(cand)].lower() == cand.lower():
                    i += len(cand)
                    break
            continue
        if up in ("AM", "PM", "A.M.", "P.M."):
            seg = s[i:i + len(up)].upper()
            if seg in ("AM", "A.M."):
                pm = False
            elif seg in ("PM", "P.M."):
                pm = True
            i += len(up)
            continue
        if up in ("BC", "AD", "B.C.", "A.D."):
            i += len(up)
            continue
        if up in ("TZH",):
            m = re.match(r"[+-]?\d{1,2}", s[i:])
            if m:
                tz = (tz or 0) + int(m.group(0)) * 3600
                i += len(m.group(0))
            continue
        if up in ("TZM",):
            m = re.match(r"\d{1,2}", s[i:])
            if m:
                tz = (tz or 0) + (int(m.group(0)) * 60 if (tz or 0) >= 0 else -int(m.group(0)) * 60)
                i += len(m.group(0))
            continue
        if up == "FX":
            continue
        width = {"YYYY": 4, "IYYY": 4, "YYY": 3, "IYY": 3, "YY": 2, "IY": 2, "Y": 1, "I": 1, "MM": 2, "DD": 2,
                 "DDD": 3, "IDDD": 3, "HH": 2, "HH12": 2, "HH24": 2, "MI": 2, "SS": 2, "MS": 3, "US": 6, "D": 1,
                 "ID": 1, "W": 1, "WW": 2, "IW": 2, "CC": 2, "Q": 1, "J": 0, "SSSS": 0, "SSSSS": 0, "Y,YYY": 0,
                 "FF1": 1, "FF2": 2, "FF3": 3, "FF4": 4, "FF5": 5, "FF6": 6, "RM": 0}.get(up, 0)
        # a field followed directly by another pattern reads a fixed width; else up to a non-digit
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        fixed = nxt is not None and nxt[0] == "p" and width
        j = i
        if i < n and s[i] in "+-" and up in ("YYYY", "Y,YYY", "J"):
            j += 1
        if fixed:
            while j < n and j - i < width and s[j].isdigit():
                j += 1
        else:
            while j < n and (s[j].isdigit() or (up == "Y,YYY" and s[j] == ",")):
                j += 1
        seg = s[i:j]
        if not seg.replace(",", "").lstrip("+-").isdigit():
            shown = s[i:i + max(len(p), 1)]
            raise _bad_value(shown, p, "Value must be an integer.")
        v = int(seg.replace(",", ""))
        i = j
        if up in ("YYYY", "Y,YYY", "IYYY"):
            vals["year"] = v
        elif up in ("YYY", "IYY"):
            vals["year"] = v + (2000 if v < 70 else 1000) if len(seg) == 3 else v
        elif up in ("YY", "IY"):
            vals["year"] = v + (2000 if v < 70 else 1900) if len(seg) <= 2 else v
        elif up in ("Y", "I"):
            vals["year"] = v + 2000 if len(seg) == 1 else v
        elif up == "MM":
            vals["month"] = v
        elif up == "DD":
            vals["day"] = v
        elif up == "DDD":
            vals["doy"] = v
        elif up in ("HH", "HH12"):
            vals["hour12"] = v
        elif up == "HH24":
            vals["hour"] = v
        elif up == "MI":
            vals["minute"] = v
        elif up == "SS":
            vals["second"] = v
        elif up == "MS":
            vals["us"] = v * 1000
        elif up == "US":
            vals["us"] = v
        elif up.startswith("FF"):
            vals["us"] = v * 10 ** (6 - int(up[2]))
        elif up == "J":
            vals["julian"] = v
        elif up in ("SSSS", "SSSSS"):
            vals["hour"], rem = divmod(v, 3600)
            vals["minute"], vals["second"] = divmod(rem, 60)
        elif up == "CC":
            vals["cc"] = v
    return vals, pm, tz


def _build(vals, pm, s, with_time):
    if "julian" in vals:
        d = _dt.date.fromordinal(vals["julian"] - 1721425)
        y, mo, dd = d.year, d.month, d.day
    else:
        y = vals.get("year", 1 if "cc" not in vals else (vals["cc"] - 1) * 100 + 1)
        mo = vals.get("month", 1)
        dd = vals.get("day", 1)
        if "doy" in vals and "month" not in vals:
            try:
                d = _dt.date(y, 1, 1) + _dt.timedelta(days=vals["doy"] - 1)
                mo, dd = d.month, d.day
            except (ValueError, OverflowError):
                raise _field_range(s) from None
    h = vals.get("hour", 0)
    if "hour12" in vals:
        h12 = vals["hour12"]
        if not 1 <= h12 <= 12:
            raise PgError(f'hour "{h12}" is invalid for the 12-hour clock', errcodes.INVALID_DATETIME_FORMAT,
                          hint="Use the 24-hour clock, or give an hour between 1 and 12.")
        h = h12 % 12 + (12 if pm else 0)
    elif pm and h < 12:
        h += 12
    mi = vals.get("minute", 0)
    sec = vals.get("second", 0)
    us = vals.get("us", 0)
    try:
        if not (1 <= mo <= 12) or not (1 <= dd <= calendar.monthrange(y, mo)[1]):
            raise ValueError
        d = _dt.date(y, mo, dd)
        if not with_time:
            return d
        if not (0 <= h <= 24 and 0 <= mi <= 59 and 0 <= sec <= 60):
            raise ValueError
        return _dt.datetime(y, mo, dd, min(h, 23), mi, min(sec, 59), us)
    except (ValueError, OverflowError):
        raise _field_range(s) from None


def _field_range(s):
    return PgError(f'date/time field value out of range: "{s}"', errcodes.DATETIME_FIELD_OVERFLOW)


def to_date(s, fmt):
    vals, pm, _tz = _parse_dt(s, fmt, "date")
    return _build(vals, pm, s, False)


def to_timestamp(s, fmt):
    vals, pm, tzoff = _parse_dt(s, fmt, "timestamp")
    local = _build(vals, pm, s, True)
    if tzoff is not None:
        r = local - _dt.timedelta(seconds=tzoff)
        return r.replace(tzinfo=_dt.timezone.utc)
    return _local_to_utc(local, runtime.state.tz)


register("to_date", [TX, TX], T.DATE, to_date, volatility="s")
register("to_timestamp", [TX, TX], T.TIMESTAMPTZ, to_timestamp, volatility="s")


# ====================================================================== numbers


class _NumFmt:
    __slots__ = ("pre", "post", "zero_from", "has_dec", "sign", "fm", "th", "rn", "eeee", "v", "pr", "items")

    def __init__(self):
        self.pre = 0  # digit positions before the decimal point
        self.post = 0
        self.zero_from = None  # index (from the left, 0-based among pre digits) of the first '0'
        self.has_dec = False
        self.sign = None  # 'S', 'MI', 'PL', 'SG', 'PR'
        self.fm = False
        self.th = None
        self.rn = False
        self.eeee = False
        self.v = 0
        self.pr = False
        self.items = []


def _parse_numfmt(fmt):
    f = _NumFmt()
    i = 0
    n = len(fmt)
    up = fmt.upper()
    while i < n:
        c = fmt[i]
        u = up[i:]
        if u.startswith("FM"):
            f.fm = True
            i += 2
            continue
        if u.startswith("EEEE"):
            f.eeee = True
            i += 4
            continue
        if u.startswith("RN"):
            f.rn = True
            f.items.append(("rn", fmt[i:i + 2]))
            i += 2
            continue
        if u.startswith("TH"):
            f.th = fmt[i:i + 2]
            i += 2
            continue
        if u.startswith("PR"):
            f.sign = "PR"
            i += 2
            continue
        if u.startswith("MI") or u.startswith("PL") or u.startswith("SG"):
            f.sign = u[:2]
            f.items.append(("sign", u[:2]))
            i += 2
            continue
        if c in "9":
            if f.has_dec:
                f.post += 1
                f.items.append(("d", "9"))
            else:
                f.pre += 1
                f.items.append(("d", "9"))
            i += 1
            continue
        if c == "0":
            if f.has_dec:
                f.post += 1
                f.items.append(("d", "0"))
            else:
                if f.zero_from is None:
                    f.zero_from = f.pre
                f.pre += 1
                f.items.append(("d", "0"))
            i += 1
            continue
        if c in ".D" or c == "d":
            if not f.has_dec:
                f.has_dec = True
                f.items.append(("dec", "." if c in ".Dd" else c))
            i += 1
            continue
        if c in ",Gg":
            f.items.append(("grp", ","))
            i += 1
            continue
        if c in "Ss":
            f.sign = "S"
            f.items.append(("sign", "S"))
            i += 1
            continue
        if c in "Ll":
            f.items.append(("lit", " "))
            i += 1
            continue
        if c in "Vv":
            j = i + 1
            while j < n and fmt[j] == "9":
                j += 1
            f.v = j - i - 1
            i = j
            continue
        if c == '"':
            j = fmt.find('"', i + 1)
            j = n if j < 0 else j
            f.items.append(("lit", fmt[i + 1:j]))
            i = j + 1
            continue
        f.items.append(("lit", c))
        i += 1
    return f


def _roman(n):
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _to_decimal(v):
    if isinstance(v, Decimal):
        return v
    if isinstance(v, float):
        return Decimal(repr(v)) if v == v and v - v == 0 else None
    return Decimal(v)


def format_number(v, fmt):
    f = _parse_numfmt(fmt)
    d = _to_decimal(v)
    if f.rn:
        if d is None or not d.is_finite():
            return "#" * 15
        iv = int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if iv < 1 or iv > 3999:
            return "#" * 15
        r = _roman(iv)
        if any(x[1] == "rn" for x in f.items):
            r = r.lower()
        return r if f.fm else r.rjust(15)
    if f.v:
        d = d * (Decimal(10) ** f.v)
    if d is None or not d.is_finite():
        # NaN / Infinity: PostgreSQL prints the pattern filled with '#'
        width = f.pre + f.post + (1 if f.has_dec else 0) + 1
        return " " + "#" * (width - 1) if not f.fm else "#" * (width - 1)
    neg = d < 0
    a = abs(d)
    if f.eeee:
        digits = f.post
        s = ("%." + str(digits) + "e") % float(a)
        mant, exp = s.split("e")
        e = int(exp)
        s = f"{mant}e{'+' if e >= 0 else '-'}{abs(e):02d}"
        sign = "-" if neg else " "
        return (sign + s) if not f.fm else (("-" if neg else "") + s)
    q = a.quantize(Decimal(1).scaleb(-f.post), rounding=ROUND_HALF_UP)
    ip, _, fp = format(q, "f").partition(".")
    fp = (fp + "0" * f.post)[:f.post]
    if ip == "0":
        ip = ""
    if len(ip) > f.pre:
        # overflow: every digit position prints '#'
        out = []
        for kind, val in f.items:
            if kind == "d":
                out.append("#")
            elif kind == "dec":
                out.append(".")
            elif kind == "grp":
                out.append(",")
            elif kind == "lit":
                out.append(val)
        return (" " if f.sign is None else "") + "".join(out)
    # integer digits right-aligned into the pre positions
    pad = f.pre - len(ip)
    int_digits = [None] * pad + list(ip)
    if f.zero_from is not None:
        for k in range(f.zero_from, f.pre):
            if int_digits[k] is None:
                int_digits[k] = "0"
    if not ip and f.post == 0 and f.zero_from is None:
        if int_digits:
            int_digits[-1] = "0"
    # decimal digits: '9' after the point prints trailing zeros unless FM
    frac = list(fp)
    if f.fm and f.post:
        # FM suppresses trailing zeros for '9' positions only
        pats = [val for kind, val in f.items if kind == "d"][f.pre:]
        while frac and frac[-1] == "0" and pats[len(frac) - 1] == "9":
            frac.pop()
    out = []
    started = False
    di = 0
    fi = 0
    sign_done = False
    sign_char = "-" if neg else ("+" if f.sign in ("PL", "SG") else " ")
    if f.sign == "S":
        sign_char = "-" if neg else "+"
    leading_sign = f.sign is None

    def put_sign():
        nonlocal sign_done
        if not sign_done:
            if leading_sign:
                out.append("-" if neg else ("" if f.fm else " "))
            sign_done = True

    for kind, val in f.items:
        if kind == "d":
            if di < f.pre:
                ch = int_digits[di]
                di += 1
                if ch is None:
                    if not f.fm:
                        out.append(" ")
                    continue
                if not started:
                    put_sign()
                    started = True
                out.append(ch)
            else:
                if fi < len(frac):
                    if not started:
                        put_sign()
                        started = True
                    out.append(frac[fi])
                fi += 1
        elif kind == "dec":
            if not started:
                put_sign()
                started = True
            out.append(".")
        elif kind == "grp":
            if started:
                out.append(",")
            elif not f.fm:
                out.append(" ")
        elif kind == "sign":
            if val == "S":
                # anchored to the number: placed before the first digit if S leads
                if not started:
                    out.append("\x00S")
                else:
                    out.append(sign_char)
            elif val == "MI":
                out.append("-" if neg else ("" if f.fm else " "))
            elif val == "PL":
                out.append("+" if not neg else ("" if f.fm else " "))
            elif val == "SG":
                out.append("-" if neg else "+")
        elif kind == "lit":
            out.append(val)
    if not sign_done and leading_sign:
        put_sign()
    res = "".join(out)
    if "\x00S" in res:
        # move the S sign right before the first digit/point
        res = res.replace("\x00S", "", 1)
        m = re.search(r"[0-9.]", res)
        pos = m.start() if m else len(res)
        res = res[:pos] + sign_char + res[pos:]
    if f.sign == "PR":
        res = ("<" + res.strip() + ">") if neg else (" " + res + " " if not f.fm else res)
    if f.th:
        iv = int(q)
        res += _ordinal(iv, f.th) if not neg else ""
    return res


def to_number(s, fmt):
    f = _parse_numfmt(fmt)
    digits = []
    neg = False
    seen_dec = False
    i = 0
    n = len(s)
    for kind, val in f.items:
        if i >= n:
            break
        if kind == "d":
            while i < n and s[i] == " ":
                i += 1
            if i < n and s[i] == "-" and not digits:
                neg = True
                i += 1
            if i < n and s[i].isdigit():
                digits.append(s[i])
                i += 1
        elif kind == "dec":
            if i < n and s[i] == ".":
                digits.append(".")
                seen_dec = True
                i += 1
        elif kind == "grp":
            if i < n and s[i] == ",":
                i += 1
        elif kind == "sign":
            if i < n and s[i] in "+-":
                neg = s[i] == "-"
                i += 1
        elif kind == "lit":
            i += len(val)
    if f.sign == "PR" and s.strip().startswith("<"):
        neg = True
    txt = "".join(digits)
    if not txt or txt == ".":
        raise PgError("invalid input syntax for type numeric: \" \"", errcodes.INVALID_TEXT_REPRESENTATION)
    d = Decimal(txt)
    if f.v:
        d = d.scaleb(-f.v)
    return -d if neg else d


for _t in (T.INT2, T.INT4, T.INT8, T.NUMERIC, T.FLOAT4, T.FLOAT8):
    register("to_char", [_t, TX], TX, format_number)
register("to_number", [TX, TX], T.NUMERIC, to_number)
