"""Logical plan nodes.

The analyzer builds a tree of these; the rewrite rules in
:mod:`heliosd.plan.rules` transform it; :mod:`heliosd.plan.physical`
lowers it to executable operators.  Every node produces rows (tuples) of a
fixed ``width``; expressions inside a node read the node's *input* row
(for joins: the left row followed by the right row).

Nodes are plain objects with public fields; rules may rebuild or mutate
them (each plan tree is owned by one prepared statement).
"""

from __future__ import annotations


class Node:
    width = 0

    def inputs(self) -> list["Node"]:
        return []

    def set_inputs(self, new: list["Node"]) -> None:
        pass

    def __repr__(self):  # pragma: no cover
        return f"{type(self).__name__}({', '.join(repr(i) for i in self.inputs())})"


class Result(Node):
    """One empty row (SELECT without FROM)."""

    width = 0


class Scan(Node):
    """A base table.  ``filters`` are conjuncts over the table's row, pushed
    down by the rules; the physical planner picks the access path from them.
    ``with_key`` appends the row's storage key as a trailing column (DML)."""

    def __init__(self, store, rel, alias: str, with_key: bool = False):
        self.store = store
        self.rel = rel
        self.alias = alias
        self.with_key = with_key
        self.filters: list = []
        self.width = len(rel.live_columns) + (1 if with_key else 0)
        self.as_of = None  # Expr giving a timestamp/seq for AS OF
        self.lock_mode = None  # row locking (FOR UPDATE...) applied by LockRows
        self.order_hint = None  # requested order [(colidx, desc)] for index choice
        self.limit_hint = None


class VirtualScan(Node):
    """A catalog relation computed on the fly (pg_catalog, information_schema,
    helios_branches()).  ``rows_fn(ctx) -> iterable of tuples``."""

    def __init__(self, name: str, columns, rows_fn):
        self.name = name
        self.columns = columns
        self.rows_fn = rows_fn
        self.filters: list = []
        self.width = len(columns)


class Values(Node):
    def __init__(self, rows: list[list], types: list):
        self.rows = rows
        self.types = types
        self.width = len(types)


class FunctionScan(Node):
    """A set-returning function in FROM.  ``fn`` yields tuples (or scalars
    wrapped by the analyzer); ``ordinality`` appends a bigint counter."""

    def __init__(self, fn, args: list, width: int, ordinality: bool = False, lateral: bool = False,
                 name: str = "function"):
        self.fn = fn
        self.args = args
        self.ordinality = ordinality
        self.lateral = lateral
        self.name = name
        self.width = width + (1 if ordinality else 0)


class Filter(Node):
    def __init__(self, child: Node, pred):
        self.child = child
        self.pred = pred
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Project(Node):
    def __init__(self, child: Node, exprs: list, names: list[str] | None = None):
        self.child = child
        self.exprs = exprs
        self.names = names
        self.width = len(exprs)

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Join(Node):
    """kind: inner | left | right | full | semi | anti | cross.  ``cond`` reads
    left+right concatenated.  ``lateral``: the right side reads the left row
    through OuterRef(depth 0) and is re-run per left row."""

    def __init__(self, kind: str, left: Node, right: Node, cond=None, lateral: bool = False):
        self.kind = kind
        self.left = left
        self.right = right
        self.cond = cond
        self.lateral = lateral
        self.width = left.width + (right.width if kind not in ("semi", "anti") else 0)

    def inputs(self):
        return [self.left, self.right]

    def set_inputs(self, new):
        self.left, self.right = new


class Aggregate(Node):
    """Output row: group key values, then aggregate results (AggRef order).
    ``grouping_sets``: None, or a list of sets of key indexes; then a
    trailing grouping-id column is appended for GROUPING()."""

    def __init__(self, child: Node, keys: list, aggs: list, grouping_sets=None):
        self.child = child
        self.keys = keys
        self.aggs = aggs
        self.grouping_sets = grouping_sets
        self.width = len(keys) + len(aggs) + (1 if grouping_sets is not None else 0)

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Window(Node):
    """Appends one column per WindowRef to the input row."""

    def __init__(self, child: Node, funcs: list):
        self.child = child
        self.funcs = funcs
        self.width = child.width + len(funcs)

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class ProjectSet(Node):
    """Set-returning functions in a select list (PostgreSQL's ProjectSet): for
    each input row the functions run in lockstep, one output row per step
    (shorter results padded with NULL); output = input row + one column per
    function."""

    def __init__(self, child: Node, srfs: list):
        self.child = child
        self.srfs = srfs  # Call exprs with fn.retset
        self.width = child.width + len(srfs)

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Sort(Node):
    """keys: [(expr, desc, nulls_first)]"""

    def __init__(self, child: Node, keys: list):
        self.child = child
        self.keys = keys
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Limit(Node):
    def __init__(self, child: Node, limit=None, offset=None, with_ties: bool = False, order_keys=None):
        self.child = child
        self.limit = limit
        self.offset = offset
        self.with_ties = with_ties
        self.order_keys = order_keys
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class Distinct(Node):
    """DISTINCT (on=None: whole row) or DISTINCT ON (first row per key, input sorted)."""

    def __init__(self, child: Node, on: list | None = None):
        self.child = child
        self.on = on
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class SetOp(Node):
    def __init__(self, kind: str, all: bool, left: Node, right: Node):
        self.kind = kind  # union | intersect | except
        self.all = all
        self.left = left
        self.right = right
        self.width = left.width

    def inputs(self):
        return [self.left, self.right]

    def set_inputs(self, new):
        self.left, self.right = new


class CteScan(Node):
    """Reads a materialized CTE (computed once per execution)."""

    def __init__(self, cte, width: int):
        self.cte = cte
        self.width = width


class CteDef:
    def __init__(self, name: str, plan: Node | None, columns, recursive: bool = False):
        self.name = name
        self.plan = plan
        self.columns = columns
        self.recursive = recursive
        self.id = id(self)


class RecursiveUnion(Node):
    def __init__(self, base: Node, recursive: Node, all: bool, cte: CteDef):
        self.base = base
        self.recursive = recursive
        self.all = all
        self.cte = cte
        self.width = base.width

    def inputs(self):
        return [self.base, self.recursive]

    def set_inputs(self, new):
        self.base, self.recursive = new


class WorkTableScan(Node):
    def __init__(self, cte: CteDef, width: int):
        self.cte = cte
        self.width = width


class ForceCtes(Node):
    """Run data-modifying CTEs to completion before the statement's own plan
    (PostgreSQL executes them exactly once even when not referenced)."""

    def __init__(self, child: Node, ctes: list):
        self.child = child
        self.ctes = ctes
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class LockRows(Node):
    """SELECT ... FOR UPDATE/SHARE: lock the rows of the listed scans."""

    def __init__(self, child: Node, targets: list, mode: int, wait: str):
        self.child = child
        self.targets = targets  # [(Scan node, key column index in child row)]
        self.mode = mode
        self.wait = wait  # 'wait' | 'nowait' | 'skip'
        self.width = child.width

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


class ModifyTable(Node):
    """INSERT/UPDATE/DELETE.  For UPDATE/DELETE the child rows end with the
    target row's key (then the old row's columns at ``old_offset``).  Output:
    RETURNING rows, or nothing."""

    def __init__(self, kind: str, store, rel, child: Node):
        self.kind = kind
        self.store = store
        self.rel = rel
        self.child = child
        self.width = 0
        self.returning = None  # exprs over the new (or old, for DELETE) row + from-row
        self.set_exprs = None  # UPDATE: exprs computing the full new row from the child row
        self.old_offset = 0
        self.key_index = None
        self.on_conflict = None
        self.returning_xmax = False  # INSERT RETURNING reads xmax: rows get it appended
        self.insert_exprs = None
        self.recheck = None  # READ COMMITTED: predicate re-checked on the newest row version
        self.target_alias = None

    def inputs(self):
        return [self.child]

    def set_inputs(self, new):
        self.child = new[0]


def walk(node: Node):
    yield node
    for c in node.inputs():
        yield from walk(c)
