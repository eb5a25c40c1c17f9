"""Frozen values that cross module lines. Pydantic lives at the edges; these stay plain.

>>> QueryResult(columns=("n",), rows=((1,),)).row_count
1
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, Literal

Language = Literal["zh", "en"]
Status = Literal["ok", "clarify", "refused", "error"]


SUPPRESSED_PREFIX = "__asker_suppressed_lt_"
"""A gate-written last column (suffix: the minimum cell size) naming the cells it suppressed."""


@dataclass(frozen=True)
class SuppressedCell:
    """A result cell withheld because fewer than k entities stand behind it (``rows`` has
    ``None`` there); ``label`` is what is shown instead, such as ``<5``."""

    row: int
    column: str
    label: str


@dataclass(frozen=True)
class QueryResult:
    """Rows a warehouse query returned, capped at the row cap (``truncated`` says it was cut)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    column_types: tuple[str, ...] = ()
    truncated: bool = False
    elapsed_ms: float = 0.0
    suppressed: tuple[SuppressedCell, ...] = ()

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Labelled:
    """Something shown to people with a label and carrying its structured value."""

    label: str
    value: Any = None


MetricFormat = Literal["amount", "count", "percent"]
ColumnFormat = Literal["amount", "count", "percent", "number", "text", "date"]
ColumnRole = Literal["time", "dimension", "measure", "comparison", "difference", "growth", "other"]
PresentationKind = Literal["headline", "bar", "line", "table", "none"]


@dataclass(frozen=True)
class MetricRef:
    """A governed metric definition an answer used, cited by code and version, in the answer's
    language; ``format`` says how its values read (ratios are fractions shown as percentages);
    ``higher_is_better`` which way a change is good (None: neither)."""

    code: str
    name: str
    definition: str
    version: int | None
    unit: str
    format: MetricFormat
    higher_is_better: bool | None = None


@dataclass(frozen=True)
class ResultColumn:
    """One result column as people see it.

    ``role``: ``time`` the period bucket, ``dimension`` a group's display value, ``measure`` a
    metric's value, ``comparison`` its value in the compared period, ``difference`` value minus
    comparison (percentage points as a fraction for ratios), ``growth`` difference / comparison,
    ``other`` a column of SQL the dictionary did not write. ``metric`` is the metric code a
    measure, comparison, difference or growth column belongs to.

    >>> ResultColumn("npl_ratio_growth", "growth", "growth", "percent", "npl_ratio").metric
    'npl_ratio'
    """

    name: str
    label: str
    role: ColumnRole
    format: ColumnFormat
    metric: str | None = None


@dataclass(frozen=True)
class Presentation:
    """How to show an answer's rows, decided where the query's shape is known.

    ``headline``: one row, a card per measure column (its difference and growth columns give the
    delta); ``bar``: ``value`` across the categories in column ``x``; ``line``: ``value`` over the
    time column ``x``, one line per value of ``series`` when there is one; ``table``: the rows
    alone; ``none``: no rows. ``rows_table`` says the rows are shown as a table as well.
    """

    kind: PresentationKind
    x: str | None = None
    value: str | None = None
    series: str | None = None
    rows_table: bool = False


@dataclass(frozen=True)
class Answer:
    """What asker says back: the §7 JSON answer, also rendered by the UI.

    Besides the §7 fields: ``result_columns`` and ``presentation`` (the answer's own shape),
    ``plan`` and ``statement`` (what an export re-runs), ``timings_ms`` (per pipeline step),
    ``paths_agree`` (the LLM and dictionary paths agreed), ``verified_example`` (the reviewed
    example that answered), ``tables`` (what a checked statement reads) and ``comparison`` (a
    compared answer's base in words, "较 2025年9月", its value the compared periods).
    """

    status: Status
    question: str
    language: Language
    code: str | None = None
    message: str = ""
    sql: str | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    truncated: bool = False
    as_of: dt.date | None = None
    metrics: tuple[MetricRef, ...] = ()
    filters: tuple[Labelled, ...] = ()
    masked_columns: tuple[Labelled, ...] = ()
    assumptions: tuple[str, ...] = ()
    choices: tuple[Labelled, ...] = ()
    elapsed_ms: float = 0.0
    result_columns: tuple[ResultColumn, ...] = ()
    presentation: Presentation | None = None
    plan: MetricQuery | None = None
    statement: str | None = None
    timings_ms: tuple[tuple[str, float], ...] = ()
    paths_agree: bool | None = None
    verified_example: int | None = None
    tables: tuple[str, ...] = ()
    comparison: Labelled | None = None
    error_kind: str | None = None  # errors.kind_of() of a refusal or error (HTTP status)
    retry_after_s: int | None = None  # a rate limit's wait (HTTP Retry-After)
    suppressed: tuple[SuppressedCell, ...] = ()
    attribution: AttributionSummary | None = None  # a "why did it change" answer's totals

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def total_change(self) -> Any:
        """An attribution answer's whole change (§7 ``total_change``), None otherwise."""
        return self.attribution.total_change if self.attribution else None

    def metric_column(self, metric: str, role: ColumnRole) -> ResultColumn | None:
        """The column holding ``role`` (``difference``, ``growth``, ...) of ``metric``, if any."""
        return next((c for c in self.result_columns if c.metric == metric and c.role == role), None)

    def to_json(self) -> dict[str, Any]:
        """The §7 JSON object: numbers stay numbers, dates become ISO strings."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "question": self.question,
            "language": self.language,
            "sql": self.sql,
            "columns": list(self.columns),
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "row_count": self.row_count,
            "truncated": self.truncated,
            "suppressed": [json_value(c) for c in self.suppressed],
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "metrics": [json_value(m) for m in self.metrics],
            "filters": [_labelled(f) for f in self.filters],
            "masked_columns": [_labelled(m) for m in self.masked_columns],
            "assumptions": list(self.assumptions),
            "choices": [_labelled(c) for c in self.choices],
            "elapsed_ms": round(self.elapsed_ms, 2),
            "result_columns": [json_value(c) for c in self.result_columns],
            "presentation": json_value(self.presentation),
            "comparison": _labelled(self.comparison) if self.comparison else None,
            "total_change": json_value(self.total_change),
            "attribution": json_value(self.attribution),
        }


def _labelled(item: Labelled) -> dict[str, Any]:
    return {"label": item.label, "value": json_value(item.value)}


def json_value(value: Any) -> Any:
    """A JSON-ready value: Decimal → int/float, dates → ISO text, containers recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_value(getattr(value, f.name)) for f in fields(value)}
    return value


@dataclass(frozen=True)
class AttributionSummary:
    """The whole of a change split over one dimension's members (the rows hold the members).

    ``kind`` is ``additive`` (rows carry each member's contribution) or ``ratio`` (rows carry a
    rate part and a mix part); ``value_before``/``value_after`` are the metric's own values at
    the comparison period and the period; ``total_change`` their difference, which the rows'
    contributions (rate + mix parts) add up to exactly; ``chosen`` says why this dimension
    (None when the question named it); ``merged`` how many members the k-cell rule merged.
    """

    metric: str
    dimension: str
    kind: Literal["additive", "ratio"]
    period: Period
    compare_period: Period
    value_before: Any
    value_after: Any
    total_change: Any
    rate_total: Any = None
    mix_total: Any = None
    chosen: str | None = None
    top_share: Any = None
    merged: int = 0


# --- metric queries (understand → semantic → gate) ------------------------------------

Grain = Literal["day", "month", "quarter", "year"]
Compare = Literal["yoy", "mom", "ytd"]
Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class Period:
    """An inclusive date range; ``end`` never runs past the data date once resolved."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Filter:
    """Keep rows whose dimension key is one of ``values`` (or none of them, with ``exclude``)."""

    dimension: str
    values: tuple[str, ...]
    exclude: bool = False


ThresholdOp = Literal[">", ">=", "<", "<=", "between"]
ThresholdPart = Literal["value", "diff", "growth"]


@dataclass(frozen=True)
class Threshold:
    """Keep the groups (or entities) whose metric, or the entity rows whose attribute, passes
    a comparison: ``deposit_balance > 1000000`` is a HAVING on the group, an attribute a WHERE.
    ``part`` compares a metric's difference or growth rate (with a comparison) instead of its
    value; ``between`` is inclusive at both ends (``value`` .. ``high``).

    >>> Threshold("deposit_balance", ">", 1e6).high is None
    True
    """

    target: str  # a metric code of the query, or an attribute code of its entity
    op: ThresholdOp
    value: float
    high: float | None = None
    part: ThresholdPart = "value"
    on_attribute: bool = False


@dataclass(frozen=True)
class Attribution:
    """A "why did it change" ask: split the change of the query's one metric between the
    comparison period (``compare_period``, else the query's ``compare`` shift of its period:
    the previous comparable period by default) and its period over the query's one dimension
    (none named: the parser leaves it to the pipeline's choice); ``top`` keeps the top N
    members and sums the rest into one 其他 row."""

    compare_period: Period | None = None
    top: int | None = None


@dataclass(frozen=True)
class MetricQuery:
    """What to compute: metrics by dimensions over a period, optionally by grain and compared.

    >>> MetricQuery(metrics=("deposit_balance",), dimensions=("branch",)).grain is None
    True
    """

    metrics: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    period: Period | None = None
    grain: Grain | None = None
    compare: Compare | None = None
    order: Order | None = None
    limit: int | None = None
    entity: str | None = None  # entity grain: one row per customer / account / loan
    attributes: tuple[str, ...] = ()  # the entity's attributes to show (mobile, id_no, ...)
    thresholds: tuple[Threshold, ...] = ()
    attribution: Attribution | None = None  # split the change over the dimension's members


@dataclass(frozen=True)
class Understanding:
    """What the deterministic parser made of a question (before compiling)."""

    question: str
    language: Language
    status: Status  # "ok" | "clarify" | "refused"
    query: MetricQuery | None = None
    confidence: float = 0.0
    code: str | None = None
    assumptions: tuple[str, ...] = ()
    choices: tuple[Labelled, ...] = ()
    unexplained: tuple[str, ...] = ()
    named_orgs: tuple[str, ...] = ()  # org ids the question names (scope is checked on them)
    org_mentions: tuple[tuple[str, ...], ...] = ()  # every org mention's readings (org ids)
    bank_wide: bool = False  # the question says 全行 / bank-wide explicitly
    followup: bool = False
    out_of_domain: bool = False  # about nothing the bank's data holds (weather, share prices)
    set_aside: tuple[str, ...] = ()  # words passed over as fillers (checked: none changes meaning)


# --- permissions (access, gate) ------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """Who asks: a user with one role, bound to an org unit and (for staff) an employee id.

    >>> Principal("li.na", "teller", "B05", "E0002", "李娜").org_id
    'B05'
    """

    user_id: str
    role: str
    org_id: str
    emp_id: str | None = None
    display_name: str = ""
    # the directory's e-mail address, when a sign-in brought one (kept on the account: mail is
    # sent there only); not part of who the principal is
    email: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class GatedQuery:
    """A statement the gate checked and rewrote: run ``tree`` (or ``sql``), show the labels.

    ``filters`` are the row-scope filters it injected, ``masked_columns`` the PII columns the
    result shows masked, ``tables``/``columns`` what it reads (``table.column``), ``row_cap`` the
    role's cap (the query fetches at most ``row_cap + 1`` rows so truncation can be reported).
    """

    tree: Any
    sql: str
    filters: tuple[Labelled, ...] = ()
    masked_columns: tuple[Labelled, ...] = ()
    tables: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    row_cap: int = 0


DocKind = Literal["metric", "glossary", "table", "column", "value", "example"]


@dataclass(frozen=True)
class Hit:
    """One retrieved document.

    ``id`` is stable across rebuilds (``metric:deposit_balance``, ``table:fact_deposit``,
    ``column:fact_deposit.balance``, ``value:dim_org.org_name=成都分行``, ``example:<id>``);
    ``key`` is what it names (the metric, table, ``table.column``, example id); ``text`` is the
    prompt-safe text of the document.
    """

    id: str
    kind: DocKind
    key: str
    text: str
    score: float
