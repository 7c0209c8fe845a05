"""Time zones: session TimeZone values, AT TIME ZONE names, and PostgreSQL's abbreviations.

A time zone is a ``datetime.tzinfo``: ``datetime.timezone.utc`` for UTC,
``datetime.timezone(offset)`` for fixed offsets and abbreviations, and
``zoneinfo.ZoneInfo`` for IANA names.  Two entry points, because PostgreSQL
reads the same string differently in the two places:

- :func:`parse_timezone` (AT TIME ZONE, timezone(), zone names inside
  timestamp literals): a zone abbreviation from PostgreSQL's ``Default``
  set first (``EST``, ``PDT``, ``Z``...), then an IANA name (case-insensitive),
  then a POSIX spec such as ``UTC+3`` or ``+05:30`` -- where, as in
  PostgreSQL, the POSIX sign is *west* of Greenwich (``'+05:30'`` is
  UTC-05:30).  Error: 22023 ``time zone "foo" not recognized``.
- :func:`parse_timezone_setting` (``SET TimeZone``): a plain number is hours
  east of Greenwich (``'-8'`` is UTC-08), otherwise an IANA name or POSIX
  spec (abbreviations are not zone names here).  Error: 22023
  ``invalid value for parameter "TimeZone": "foo"``.
"""

from __future__ import annotations

import datetime as _dt
import re
import zoneinfo

from ..errors import PgError
from ._util import INVALID_PARAM

UTC = _dt.timezone.utc

#: PostgreSQL 15's ``Default`` timezone_abbreviations: lower-cased abbrev ->
#: (seconds east of Greenwich, is_dst).  Abbreviations whose meaning changed
#: over history are frozen at their current meaning.
ABBREVIATIONS = {
    "acdt": (37800, 1),
    "acsst": (37800, 1),
    "acst": (34200, 0),
    "act": (-18000, 0),
    "acwst": (31500, 0),
    "adt": (-10800, 1),
    "aedt": (39600, 1),
    "aesst": (39600, 1),
    "aest": (36000, 0),
    "aft": (16200, 0),
    "akdt": (-28800, 1),
    "akst": (-32400, 0),
    "almst": (25200, 1),
    "almt": (21600, 0),
    "amst": (14400, 0),
    "amt": (-14400, 0),
    "anast": (43200, 0),
    "anat": (43200, 0),
    "arst": (-10800, 0),
    "art": (-10800, 0),
    "ast": (-14400, 0),
    "awsst": (32400, 1),
    "awst": (28800, 0),
    "azost": (0, 1),
    "azot": (-3600, 0),
    "azst": (14400, 0),
    "azt": (14400, 0),
    "bdst": (7200, 1),
    "bdt": (21600, 0),
    "bnt": (28800, 0),
    "bort": (28800, 0),
    "bot": (-14400, 0),
    "bra": (-10800, 0),
    "brst": (-7200, 1),
    "brt": (-10800, 0),
    "bst": (3600, 1),
    "btt": (21600, 0),
    "cadt": (37800, 1),
    "cast": (34200, 0),
    "cct": (28800, 0),
    "cdt": (-18000, 1),
    "cest": (7200, 1),
    "cet": (3600, 0),
    "cetdst": (7200, 1),
    "chadt": (49500, 1),
    "chast": (45900, 0),
    "chut": (36000, 0),
    "ckt": (-36000, 0),
    "clst": (-10800, 1),
    "clt": (-10800, 1),
    "cot": (-18000, 0),
    "cst": (-21600, 0),
    "cxt": (25200, 0),
    "davt": (25200, 0),
    "ddut": (36000, 0),
    "easst": (-18000, 1),
    "east": (-18000, 1),
    "eat": (10800, 0),
    "edt": (-14400, 1),
    "eest": (10800, 1),
    "eet": (7200, 0),
    "eetdst": (10800, 1),
    "egst": (0, 1),
    "egt": (-3600, 0),
    "est": (-18000, 0),
    "fet": (10800, 0),
    "fjst": (46800, 1),
    "fjt": (43200, 0),
    "fkst": (-10800, 0),
    "fkt": (-10800, 0),
    "fnst": (-3600, 1),
    "fnt": (-7200, 0),
    "galt": (-21600, 0),
    "gamt": (-32400, 0),
    "gest": (14400, 0),
    "get": (14400, 0),
    "gft": (-10800, 0),
    "gilt": (43200, 0),
    "gmt": (0, 0),
    "gyt": (-14400, 0),
    "hkt": (28800, 0),
    "hst": (-36000, 0),
    "ict": (25200, 0),
    "idt": (10800, 1),
    "iot": (21600, 0),
    "irkst": (28800, 0),
    "irkt": (28800, 0),
    "irt": (12600, 0),
    "ist": (7200, 0),
    "jayt": (32400, 0),
    "jst": (32400, 0),
    "kdt": (36000, 1),
    "kgst": (21600, 1),
    "kgt": (21600, 0),
    "kost": (39600, 0),
    "krast": (25200, 0),
    "krat": (25200, 0),
    "kst": (32400, 0),
    "lhdt": (39600, 1),
    "lhst": (37800, 0),
    "ligt": (36000, 0),
    "lint": (50400, 0),
    "lkt": (19800, 0),
    "magst": (39600, 0),
    "magt": (39600, 0),
    "mart": (-34200, 0),
    "mawt": (18000, 0),
    "mdt": (-21600, 1),
    "mest": (7200, 1),
    "mesz": (7200, 1),
    "met": (3600, 0),
    "metdst": (7200, 1),
    "mez": (3600, 0),
    "mht": (43200, 0),
    "mmt": (23400, 0),
    "mpt": (36000, 0),
    "msd": (14400, 1),
    "msk": (10800, 0),
    "mst": (-25200, 0),
    "must": (18000, 1),
    "mut": (14400, 0),
    "mvt": (18000, 0),
    "myt": (28800, 0),
    "ndt": (-9000, 1),
    "nft": (-12600, 0),
    "novst": (25200, 0),
    "novt": (25200, 0),
    "npt": (20700, 0),
    "nst": (-12600, 0),
    "nut": (-39600, 0),
    "nzdt": (46800, 1),
    "nzst": (43200, 0),
    "nzt": (43200, 0),
    "omsst": (21600, 0),
    "omst": (21600, 0),
    "pdt": (-25200, 1),
    "pet": (-18000, 0),
    "petst": (43200, 0),
    "pett": (43200, 0),
    "pgt": (36000, 0),
    "pht": (28800, 0),
    "pkst": (21600, 1),
    "pkt": (18000, 0),
    "pmdt": (-7200, 1),
    "pmst": (-10800, 0),
    "pont": (39600, 0),
    "pst": (-28800, 0),
    "pwt": (32400, 0),
    "pyst": (-10800, 1),
    "pyt": (-10800, 0),
    "ret": (14400, 0),
    "sadt": (37800, 1),
    "sast": (7200, 0),
    "sct": (14400, 0),
    "sgt": (28800, 0),
    "taht": (-36000, 0),
    "tft": (18000, 0),
    "tjt": (18000, 0),
    "tkt": (46800, 0),
    "tmt": (18000, 0),
    "tot": (46800, 0),
    "trut": (36000, 0),
    "tvt": (43200, 0),
    "uct": (0, 0),
    "ulast": (32400, 1),
    "ulat": (28800, 0),
    "ut": (0, 0),
    "utc": (0, 0),
    "uyst": (-7200, 1),
    "uyt": (-10800, 0),
    "uzst": (21600, 1),
    "uzt": (18000, 0),
    "vet": (-14400, 0),
    "vlast": (36000, 0),
    "vlat": (36000, 0),
    "volt": (10800, 0),
    "vut": (39600, 0),
    "wadt": (28800, 1),
    "wakt": (43200, 0),
    "wast": (25200, 0),
    "wat": (3600, 0),
    "wdt": (32400, 1),
    "wet": (0, 0),
    "wetdst": (3600, 1),
    "wft": (43200, 0),
    "wgst": (-7200, 1),
    "wgt": (-10800, 0),
    "xjt": (21600, 0),
    "yakst": (32400, 0),
    "yakt": (32400, 0),
    "yapt": (36000, 0),
    "yekst": (21600, 1),
    "yekt": (18000, 0),
    "z": (0, 0),
    "zulu": (0, 0),
}

_fixed_cache: dict = {}


def fixed_offset(seconds_east: int, abbrev: str | None = None) -> _dt.tzinfo:
    """A fixed-offset tzinfo (``timezone.utc`` for 0 without a name).

    ``abbrev`` is the zone abbreviation non-ISO DateStyles print (tzname()).
    """
    if seconds_east == 0 and (abbrev is None or abbrev == "UTC"):
        return UTC
    key = (seconds_east, abbrev)
    tz = _fixed_cache.get(key)
    if tz is None:
        off = _dt.timedelta(seconds=seconds_east)
        tz = _dt.timezone(off) if abbrev is None else _dt.timezone(off, abbrev)
        if len(_fixed_cache) < 4096:
            _fixed_cache[key] = tz
    return tz


_zone_cache: dict = {}
_lower_names: dict | None = None


def _lower_map() -> dict:
    global _lower_names
    if _lower_names is None:
        try:
            names = zoneinfo.available_timezones()
        except Exception:  # pragma: no cover - no tzdata at all
            names = set()
        _lower_names = {n.lower(): n for n in names}
    return _lower_names


_POSIX_RE = re.compile(r"(?:([A-Za-z]{3,})|<([A-Za-z0-9:+-]+)>)?([+-]?)(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\Z")


def lookup_zone(name: str):
    """An IANA zone (case-insensitive) or a fixed POSIX spec, or None."""
    tz = _zone_cache.get(name)
    if tz is not None:
        return tz
    tz = None
    low = name.lower()
    if low in ("utc", "etc/utc", "zulu", "etc/zulu", "uct", "etc/uct", "universal", "etc/universal",
               "gmt", "etc/gmt", "greenwich", "etc/greenwich", "gmt0", "etc/gmt0", "gmt+0", "gmt-0",
               "etc/gmt+0", "etc/gmt-0"):
        tz = UTC
    elif name and ".." not in name and not name.startswith("/"):
        key = name if name in _lower_map().values() else _lower_map().get(low)
        if key is not None:
            try:
                tz = zoneinfo.ZoneInfo(key)
            except Exception:
                tz = None
    if tz is None:
        m = _POSIX_RE.match(name)
        if m is not None and (m.group(1) or m.group(2) or m.group(3)):
            secs = int(m.group(4)) * 3600 + int(m.group(5) or 0) * 60 + int(m.group(6) or 0)
            if int(m.group(4)) <= 24 and int(m.group(5) or 0) < 60 and int(m.group(6) or 0) < 60:
                # POSIX: positive means west of Greenwich; the name part is the abbreviation
                tz = fixed_offset(secs if m.group(3) == "-" else -secs, m.group(1) or m.group(2) or "")
    if tz is not None:
        if len(_zone_cache) > 1000:
            _zone_cache.clear()
        _zone_cache[name] = tz
    return tz


def lookup_abbrev(name: str):
    """Fixed-offset tzinfo for a PostgreSQL zone abbreviation (case-insensitive), or None."""
    a = ABBREVIATIONS.get(name.lower())
    if a is None:
        return None
    return fixed_offset(a[0], name.upper())


def parse_timezone(name: str) -> _dt.tzinfo:
    """Resolve a zone name as AT TIME ZONE / timezone(text, ...) do."""
    tz = lookup_abbrev(name)
    if tz is None:
        tz = lookup_zone(name)
        if tz is None:
            raise PgError(f'time zone "{name}" not recognized', INVALID_PARAM)
    return tz


_NUMBER_RE = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*\Z")


def parse_timezone_setting(value: str) -> _dt.tzinfo:
    """Resolve a value of the TimeZone setting as PostgreSQL's check_timezone does."""
    if _NUMBER_RE.match(value):
        hours = float(value)
        if abs(hours) > 24 * 7:
            raise PgError(f'invalid value for parameter "TimeZone": "{value}"', INVALID_PARAM)
        secs = round(hours * 3600)
        return fixed_offset(secs, _offset_abbrev(secs))
    if value.lower() == "local" or value.lower() == "default":
        return UTC
    tz = lookup_zone(value)
    if tz is None:
        raise PgError(f'invalid value for parameter "TimeZone": "{value}"', INVALID_PARAM)
    return tz


def _offset_abbrev(secs: int) -> str:
    sign = "-" if secs < 0 else "+"
    h, rem = divmod(abs(secs), 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}" + (f":{m:02d}" if m or s else "") + (f":{s:02d}" if s else "")


def _offset_name(secs: int) -> str:
    """PostgreSQL's name for a numeric TimeZone setting: -8 -> '<-08>+08', 5.5 -> '<+05:30>-05:30'."""
    sign = "-" if secs < 0 else "+"
    a = abs(secs)
    h, rem = divmod(a, 3600)
    m, s = divmod(rem, 60)
    body = f"{h:02d}" + (f":{m:02d}" if m or s else "") + (f":{s:02d}" if s else "")
    return f"<{sign}{body}>{'-' if sign == '+' else '+'}{body}"


def canonical_timezone_name(value: str) -> str:
    """What SHOW TimeZone prints after SET TimeZone = value (validated like the setting)."""
    if _NUMBER_RE.match(value):
        tz = parse_timezone_setting(value)
        off = tz.utcoffset(None)
        return _offset_name(off.days * 86400 + off.seconds)
    parse_timezone_setting(value)
    key = value if value in _lower_map().values() else _lower_map().get(value.lower())
    return key if key is not None else value


def timezone_name(tz) -> str:
    """A display name: for a setting string, :func:`canonical_timezone_name`; for a tzinfo,
    its IANA key, 'UTC', or PostgreSQL's '<+05:30>-05:30' form for fixed offsets."""
    if isinstance(tz, str):
        return canonical_timezone_name(tz)
    if tz is UTC:
        return "UTC"
    key = getattr(tz, "key", None)
    if key:
        return key
    off = tz.utcoffset(None)
    return _offset_name(off.days * 86400 + off.seconds)


# ---------------------------------------------------------------------- DateStyle

_STYLE_WORDS = {"iso": "ISO", "sql": "SQL", "postgres": "Postgres", "german": "German"}
_ORDER_WORDS = {"ymd": "YMD", "dmy": "DMY", "euro": "DMY", "european": "DMY", "mdy": "MDY", "us": "MDY",
                "noneuro": "MDY", "noneuropean": "MDY"}


def parse_datestyle(value: str, current: str = "ISO, MDY") -> tuple:
    """Validate a DateStyle setting like check_datestyle: returns (canonical, style, order).

    ``'German'`` -> ('German, DMY', 'German', 'DMY'); ``'euro'`` keeps the current style;
    ``'default'`` is 'ISO, MDY'.  Errors: 22023 invalid value for parameter "DateStyle".
    """
    cur_style, _, cur_order = current.partition(",")
    style = cur_style.strip() or "ISO"
    order = cur_order.strip() or "MDY"
    have_style = have_order = False
    new_style, new_order = style, order
    ok = True
    bad_word = None
    for tok in re.split(r"[\s,]+", value.strip()):
        if not tok:
            continue
        low = tok.lower()
        if low in _STYLE_WORDS:
            s = _STYLE_WORDS[low]
            if have_style and s != new_style:
                ok = False
            new_style = s
            have_style = True
            if s == "German" and not have_order:
                new_order = "DMY"
        elif low in _ORDER_WORDS:
            o = _ORDER_WORDS[low]
            if have_order and o != new_order:
                ok = False
            new_order = o
            have_order = True
        elif low == "default":
            # RESET value: ISO, MDY (overridable by words that follow)
            if not have_style:
                new_style = "ISO"
            if not have_order:
                new_order = "MDY"
        else:
            bad_word = tok
            break
    if bad_word is not None:
        raise PgError(f'invalid value for parameter "DateStyle": "{value}"', INVALID_PARAM,
                      detail=f'Unrecognized key word: "{bad_word}".')
    if not ok:
        raise PgError(f'invalid value for parameter "DateStyle": "{value}"', INVALID_PARAM,
                      detail='Conflicting "datestyle" specifications.')
    return f"{new_style}, {new_order}", new_style, new_order


def utc_offset_seconds(tz: _dt.tzinfo, local: _dt.datetime) -> int:
    """Offset (seconds east) of naive local time ``local`` in ``tz``, PostgreSQL's way.

    In a DST gap or overlap PostgreSQL picks the smaller offset: the
    "before" reading in a spring-forward gap and the "after" (standard
    time) reading in a fall-back overlap.
    """
    if tz is UTC:
        return 0
    try:
        if local.tzinfo is not None or local.fold:
            local = _dt.datetime(local.year, local.month, local.day, local.hour, local.minute, local.second,
                                 local.microsecond)
        o0 = tz.utcoffset(local)
        if isinstance(tz, _dt.timezone):
            return o0.days * 86400 + o0.seconds
        o1 = tz.utcoffset(_dt.datetime(local.year, local.month, local.day, local.hour, local.minute,
                                       local.second, local.microsecond, fold=1))
    except (OverflowError, ValueError):
        return 0
    o = o0 if o0 <= o1 else o1
    return o.days * 86400 + o.seconds


def timezone_from_interval(iv, setting: bool = True) -> _dt.tzinfo:
    """The fixed zone of SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE (ISO sign: -8 h) or
    of AT TIME ZONE INTERVAL '...' (``setting=False``), with PostgreSQL's errors."""
    if setting:
        if iv.months:
            raise PgError("invalid interval value for time zone: month not allowed", INVALID_PARAM)
        if iv.days:
            raise PgError("invalid interval value for time zone: day not allowed", INVALID_PARAM)
    elif iv.months or iv.days:
        from .temporal import interval_out
        raise PgError(f'interval time zone "{interval_out(iv)}" must not include months or days', INVALID_PARAM)
    secs = int(iv.micros / 1_000_000)
    return fixed_offset(secs, _offset_abbrev(secs))
