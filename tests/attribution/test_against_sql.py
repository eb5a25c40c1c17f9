"""Attribution questions end to end on tiny (parser, compiler, gate, DuckDB, answer) as every data
role, each member's values and contribution (a ratio's rate and mix parts) against SQL written by
hand from the 口径 with the role's scope in it (tests/attribution/sql_by_hand.py)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from asker.config import Settings
from asker.types import Answer
from tests import callers
from tests.attribution.sql_by_hand import OTHER_ORGS, is_ratio, member_sql
from tests.helpers import asker, rows

# (user, question, metric, dimension, period): the question names the dimension
CASES = [
    ("zhang.wei", "本月存款变化主要是哪些分行带来的", "deposit_balance", "branch", "本月"),
    ("zhang.wei", "上月存款变化主要是哪些支行带来的", "deposit_balance", "subbranch", "上月"),
    ("zhang.wei", "本季度存款变化是哪些产品带来的", "deposit_balance", "product_type", "本季度"),
    ("zhang.wei", "上季度存款变化主要是哪些客群带来的", "deposit_balance", "segment", "上季度"),
    ("zhang.wei", "本月存款同比变化主要是哪些分行贡献的", "deposit_balance", "branch", "本月同比"),
    ("zhang.wei", "上季度贷款余额变化主要是哪个分行", "loan_balance", "branch", "上季度"),
    ("zhang.wei", "本月贷款余额变化是哪些产品带来的", "loan_balance", "product_type", "本月"),
    ("zhang.wei", "上季度不良率变化主要是哪个分行", "npl_ratio", "branch", "上季度"),
    ("zhang.wei", "本季度不良率变化是哪些产品带来的", "npl_ratio", "product_type", "本季度"),
    ("zhang.wei", "本月AUM变化主要是哪些客群带来的", "aum_balance", "segment", "本月"),
    ("zhang.wei", "本月交易金额变化主要是哪些渠道带来的", "txn_amount", "channel", "本月"),
    ("zhang.wei", "上季度新发放贷款金额变化主要是哪些分行", "new_loan_amount", "branch", "上季度"),
    ("zhang.wei", "本月定期存款占比变化主要是哪个分行", "time_deposit_ratio", "branch", "本月"),
    (
        "zhang.wei",
        "2026年3月存款日均变化主要是哪些分行",
        "deposit_avg_daily",
        "branch",
        "2026年3月",
    ),
    ("zhang.wei", "本月手机银行交易占比变化主要是哪个分行", "mobile_txn_share", "branch", "本月"),
    ("zhang.wei", "上季度不良贷款余额变化主要是哪个分行", "npl_balance", "branch", "上季度"),
    ("zhang.wei", "本月存款变化主要是哪些城市", "deposit_balance", "city", "本月"),
    ("zhang.wei", "本月交易笔数变化主要是哪些渠道", "txn_count", "channel", "本月"),
    (
        "zhang.wei",
        "本月定期存款为什么变化，主要是哪些分行",
        "time_deposit_balance",
        "branch",
        "本月",
    ),
    (
        "zhang.wei",
        "which branches drove the change in AUM this quarter",
        "aum_balance",
        "branch",
        "本季度",
    ),
    (
        "zhang.wei",
        "which branches drove the change in loans last quarter",
        "loan_balance",
        "branch",
        "上季度",
    ),
    ("chen.jie", "本月存款变化主要是哪些分行带来的", "deposit_balance", "branch", "本月"),
    ("chen.jie", "上季度贷款余额变化主要是哪个分行", "loan_balance", "branch", "上季度"),
    ("chen.jie", "本季度存款变化是哪些产品带来的", "deposit_balance", "product_type", "本季度"),
    ("chen.jie", "本月交易金额变化主要是哪些渠道带来的", "txn_amount", "channel", "本月"),
    ("chen.jie", "上季度不良率变化主要是哪个分行", "npl_ratio", "branch", "上季度"),
    ("chen.jie", "本月AUM变化主要是哪个分行", "aum_balance", "branch", "本月"),
    ("chen.jie", "本月定期存款占比变化主要是哪些客群", "time_deposit_ratio", "segment", "本月"),
    # some industries have too few customers for an executive: merged, the rest shown
    ("chen.jie", "本月贷款余额变化主要是哪些行业", "loan_balance", "industry", "本月"),
    ("li.na", "本月存款变化主要是哪些支行带来的", "deposit_balance", "subbranch", "本月"),
    ("li.na", "上季度贷款余额变化主要是哪些支行", "loan_balance", "subbranch", "上季度"),
    ("li.na", "本月存款变化是哪些产品带来的", "deposit_balance", "product_type", "本月"),
    ("li.na", "上季度不良率变化主要是哪些支行", "npl_ratio", "subbranch", "上季度"),
    ("li.na", "本月AUM变化主要是哪些客群带来的", "aum_balance", "segment", "本月"),
    ("li.na", "本月交易金额变化主要是哪些渠道", "txn_amount", "channel", "本月"),
    ("li.na", "本月存款同比变化主要是哪些支行贡献的", "deposit_balance", "subbranch", "本月同比"),
    ("li.na", "本月定期存款占比变化主要是哪些支行", "time_deposit_ratio", "subbranch", "本月"),
    ("wang.fang", "本月存款变化是哪些产品带来的", "deposit_balance", "product_type", "本月"),
    ("wang.fang", "上月存款变化主要是哪些客群", "deposit_balance", "segment", "上月"),
    ("wang.fang", "上季度贷款余额变化是哪些产品带来的", "loan_balance", "product_type", "上季度"),
    ("wang.fang", "本月交易金额变化主要是哪些渠道", "txn_amount", "channel", "本月"),
    ("wang.fang", "本季度不良率变化是哪些产品带来的", "npl_ratio", "product_type", "本季度"),
    ("wang.fang", "本月AUM变化主要是哪些客群", "aum_balance", "segment", "本月"),
    ("liu.yang", "本月存款变化是哪些产品带来的", "deposit_balance", "product_type", "本月"),
    ("liu.yang", "上月存款变化主要是哪些客群", "deposit_balance", "segment", "上月"),
    ("liu.yang", "本月交易金额变化主要是哪些渠道", "txn_amount", "channel", "本月"),
    ("liu.yang", "本季度AUM变化主要是哪些客群", "aum_balance", "segment", "本季度"),
    ("liu.yang", "上季度贷款余额变化是哪些产品带来的", "loan_balance", "product_type", "上季度"),
    ("liu.yang", "本月存款变化主要是哪些行业", "deposit_balance", "industry", "本月"),
    ("liu.yang", "本月手机银行交易占比变化主要是哪些客群", "mobile_txn_share", "segment", "本月"),
]
BRANCH_ROLES = ("li.na", "wang.fang", "liu.yang")


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


@pytest.fixture(scope="module")
def other_orgs(tiny_executor: Any) -> set[str]:
    return {r[0] for r in rows(tiny_executor, OTHER_ORGS)}


def _exact(value: Any) -> Fraction:
    return Fraction(0) if value is None else Fraction(value)


def _close(got: Any, want: Fraction | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9)


def _name(value: Any) -> str:
    return "（未分类）" if value is None else str(value)


def _shown(answer: Answer) -> dict[str, tuple[Any, ...]]:
    """Member rows by name (merged 其他 rows left out)."""
    return {r[0]: r for r in answer.rows if not str(r[0]).startswith(("其他（", "other ("))}


def _check_additive(answer: Answer, want: list[tuple[Any, ...]]) -> None:
    by_member = {_name(m): (_exact(v0), _exact(v1)) for m, v0, v1 in want}
    total = sum(v1 for _, v1 in by_member.values()) - sum(v0 for v0, _ in by_member.values())
    assert _close(answer.total_change, total), (answer.total_change, float(total))
    shown = _shown(answer)
    merged = [r for r in answer.rows if r[0] not in shown]
    if not merged:
        assert set(shown) == set(by_member)
    for name, (_, before, after, contribution, _share) in shown.items():
        v0, v1 = by_member[name]
        assert _close(before, v0) and _close(after, v1), (name, before, after, v0, v1)
        assert _close(contribution, v1 - v0), (name, contribution, float(v1 - v0))
    rest = total - sum(by_member[n][1] - by_member[n][0] for n in shown)
    assert _close(sum(r[3] for r in merged), rest if merged else Fraction(0))


def _check_ratio(answer: Answer, want: list[tuple[Any, ...]]) -> None:
    members = {_name(m): tuple(_exact(v) for v in vs) for m, *vs in want}
    den = [sum(v[1] for v in members.values()), sum(v[3] for v in members.values())]
    num = [sum(v[0] for v in members.values()), sum(v[2] for v in members.values())]
    total = num[1] / den[1] - num[0] / den[0]
    assert _close(answer.total_change, total), (answer.total_change, float(total))
    shown = _shown(answer)
    merged = [r for r in answer.rows if r[0] not in shown]
    if not merged:
        assert set(shown) == set(members)
    explained = Fraction(0)
    for name, (_, before, after, rate, mix, contribution) in shown.items():
        n0, d0, n1, d1 = members[name]
        r0, r1 = (n0 / d0 if d0 else None), (n1 / d1 if d1 else None)
        w0, w1 = d0 / den[0], d1 / den[1]
        assert _close(before, r0) and _close(after, r1), (name, before, after)
        want_rate, want_mix = w0 * ((r1 or 0) - (r0 or 0)), (w1 - w0) * (r1 or 0)
        assert _close(rate, want_rate) and _close(mix, want_mix), (name, rate, mix)
        assert _close(contribution, want_rate + want_mix)
        explained += want_rate + want_mix
    assert _close(sum(r[5] for r in merged), (total - explained) if merged else Fraction(0))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}-{c[4]}" for c in CASES])
def test_each_members_contribution_equals_its_own_sql(
    settings: Settings, tiny_executor: Any, other_orgs: set[str], case: tuple[str, ...]
) -> None:
    user, question, metric, dimension, period = case
    found = callers.ask(settings, user, question)
    assert found.status == "ok", found.message
    assert found.attribution is not None and found.attribution.metric == metric
    assert found.attribution.dimension == dimension
    want = rows(tiny_executor, member_sql(metric, dimension, period, user))
    if is_ratio(metric):
        _check_ratio(found, want)
    else:
        _check_additive(found, want)
    if user in BRANCH_ROLES:
        _within_own_branch(found, other_orgs)


def _within_own_branch(found: Answer, other_orgs: set[str]) -> None:
    text = json.dumps(found.to_json(), ensure_ascii=False)
    assert not [org for org in other_orgs if org in text]


UNNAMED = [
    ("zhang.wei", "本月存款为什么下降了", "deposit_balance", "本月"),
    ("chen.jie", "本月存款为什么变化", "deposit_balance", "本月"),
    ("li.na", "本月存款为什么下降了", "deposit_balance", "本月"),
    ("wang.fang", "上季度贷款余额为什么变化", "loan_balance", "上季度"),
    ("liu.yang", "本月存款为什么变化", "deposit_balance", "本月"),
    ("zhang.wei", "上季度不良率为什么上升", "npl_ratio", "上季度"),
]


@pytest.mark.parametrize("case", UNNAMED, ids=[f"{c[0]}-{c[2]}" for c in UNNAMED])
def test_a_dimension_not_named_is_chosen_and_stated(
    settings: Settings, tiny_executor: Any, case: tuple[str, ...]
) -> None:
    user, question, metric, period = case
    found = callers.ask(settings, user, question)
    assert found.status == "ok", found.message
    assert found.attribution is not None and found.attribution.chosen
    dimension = found.attribution.dimension
    assert "未指定维度" in found.message and "变动绝对值" in found.message
    want = rows(tiny_executor, member_sql(metric, dimension, period, user))
    (_check_ratio if is_ratio(metric) else _check_additive)(found, want)
    # the stated measure: the top 3 named members' share of the absolute change
    sizes = sorted(
        (
            abs(Fraction(r[-1 if is_ratio(metric) else 3]))
            for r in found.rows
            if r[0] != "（未分类）"
        ),
        reverse=True,
    )
    whole = sum(abs(Fraction(r[-1 if is_ratio(metric) else 3])) for r in found.rows)
    assert _close(found.attribution.top_share, sum(sizes[:3]) / whole if whole else Fraction(0))


def test_a_top_n_sums_the_rest_into_one_other_row(settings: Settings, tiny_executor: Any) -> None:
    found = callers.ask(settings, "zhang.wei", "本月存款变化前3个分行贡献")
    assert found.status == "ok", found.message
    assert found.attribution is not None
    want = {
        r[0]: Fraction(r[2] or 0) - Fraction(r[1] or 0)
        for r in rows(tiny_executor, member_sql("deposit_balance", "branch", "本月", "zhang.wei"))
    }
    ranked = sorted(want, key=lambda m: -abs(want[m]))
    assert [r[0] for r in found.rows] == [*ranked[:3], "其他（7 个）"]
    assert _close(found.rows[-1][3], sum(want[m] for m in ranked[3:]))


def test_an_executive_never_sees_a_member_under_k(settings: Settings) -> None:
    partly = callers.ask(settings, "chen.jie", "本月贷款余额变化主要是哪些行业")
    assert partly.attribution is not None and partly.attribution.merged > 0
    assert len(_shown(partly)) > 0 and len(partly.rows) == len(_shown(partly)) + 1
    found = callers.ask(settings, "chen.jie", "上季度不良率变化是哪些产品带来的")
    assert found.status == "ok", found.message
    assert found.attribution is not None and found.attribution.merged > 0
    assert "客户数过少" in found.message
    shown = _shown(found)
    merged = [r for r in found.rows if r[0] not in shown]
    assert len(merged) == 1 and math.isclose(
        sum(r[5] for r in found.rows), found.total_change, abs_tol=1e-12
    )


@pytest.mark.parametrize("user", BRANCH_ROLES)
def test_a_branch_roles_answer_never_names_another_branch(
    settings: Settings, other_orgs: set[str], user: str
) -> None:
    for question in (
        "本月存款为什么变化",
        "本月各分行存款变化主要是哪个分行",
        "上季度贷款余额变化主要是哪些支行",
        "本月存款变化主要是哪些城市",
        "本季度不良率为什么变化",
    ):
        found = callers.ask(settings, user, question)
        assert found.status == "ok", (question, found.message)
        _within_own_branch(found, other_orgs)
        assert "权限范围" in found.message


def test_asker_ask_json_runs_an_attribution_end_to_end(tiny_dir: Path, tiny_executor: Any) -> None:
    done = asker(
        "ask",
        "本月存款变化主要是哪些分行带来的",
        "--data-dir",
        str(tiny_dir),
        "--user",
        "zhang.wei",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "ok"
    assert answer["columns"] == ["branch", "value_before", "value_after", "contribution", "share"]
    want = {
        r[0]: float(Fraction(r[2] or 0) - Fraction(r[1] or 0))
        for r in rows(tiny_executor, member_sql("deposit_balance", "branch", "本月", "zhang.wei"))
    }
    assert {r[0]: r[3] for r in answer["rows"]} == pytest.approx(want)
    assert answer["total_change"] == pytest.approx(sum(want.values()))
    assert "较2026年8月" in answer["message"] and "占" in answer["message"]
