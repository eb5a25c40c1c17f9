"""PII masks as SQL expressions (sqlglot ASTs, never string glue), one per PII type.

Each keeps a head and a tail of the value and puts a fixed filler between them; NULL stays NULL,
and a value too short to keep its head and tail is masked entirely ('*' for every character).
Lengths count characters, so a Chinese character counts as one.

>>> mask_mobile(exp.column("mobile")).sql("duckdb")
"CASE WHEN mobile IS NULL THEN NULL WHEN LENGTH(mobile) <= 7 THEN REPEAT('*', LENGTH(mobile)) \
ELSE LEFT(mobile, 3) || '****' || RIGHT(mobile, 4) END"
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

Mask = Callable[[exp.Expr], exp.Expr]


def keep_head_tail(value: exp.Expr, head: int, filler: str, tail: int = 0) -> exp.Expr:
    """``head`` characters + ``filler`` + ``tail`` characters of ``value``, NULL-safe."""
    length = exp.Length(this=value.copy())
    masked: exp.Expr = exp.DPipe(
        this=exp.Left(this=value.copy(), expression=exp.Literal.number(head)),
        expression=exp.Literal.string(filler),
    )
    if tail:
        right = exp.Right(this=value.copy(), expression=exp.Literal.number(tail))
        masked = exp.DPipe(this=masked, expression=right)
    return exp.Case(
        ifs=[
            exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.Null()),
            exp.If(
                this=exp.LTE(this=length, expression=exp.Literal.number(head + tail)),
                true=exp.Repeat(this=exp.Literal.string("*"), times=length.copy()),
            ),
        ],
        default=masked,
    )


def mask_name(value: exp.Expr) -> exp.Expr:
    """张三丰 → 张**"""
    return keep_head_tail(value, 1, "**")


def mask_id_number(value: exp.Expr) -> exp.Expr:
    """110101199003071234 → 110101********1234"""
    return keep_head_tail(value, 6, "********", 4)


def mask_mobile(value: exp.Expr) -> exp.Expr:
    """13812345678 → 138****5678"""
    return keep_head_tail(value, 3, "****", 4)


def mask_bank_card(value: exp.Expr) -> exp.Expr:
    """6222021234567890123 → 622202******0123"""
    return keep_head_tail(value, 6, "******", 4)


def mask_address(value: exp.Expr) -> exp.Expr:
    """四川省成都市高新区天府大道1号 → 四川省成都市****"""
    return keep_head_tail(value, 6, "****")


MASKS: dict[str, Mask] = {
    "name": mask_name,
    "id_number": mask_id_number,
    "mobile": mask_mobile,
    "bank_card": mask_bank_card,
    "address": mask_address,
}


def mask_for(pii: str) -> Mask:
    """The mask of a PII type; an unknown type is a bug in the catalog, never shown raw."""
    return MASKS[pii]
