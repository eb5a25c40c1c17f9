"""Scope in words (issue #17, item 6): every org a question mentions — full names, short names,
org codes, city short names, 总行/本行/我行/全行 — is resolved against the whole tree and refused
when it lies outside the asker's scope, without naming units or staff outside it; a client
manager outside scope reads exactly as a name nobody has. Expected figures come from SQL written
by hand from the 口径 (deposit balance: the day's balances summed) over the tiny warehouse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from asker.config import Settings
from asker.types import Answer
from tests import callers
from tests.helpers import rows

DAY = "DATE '2026-09-30'"
SCOPED = ("li.na", "wang.fang", "liu.yang")  # 成都分行, 成都高新支行, a client manager there


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


@pytest.fixture(scope="module")
def tree(tiny_executor: Any) -> list[tuple[str, str, str, str | None]]:
    """(org_id, org_name, org_level, branch_id) of every unit, read directly."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in rows(tiny_executor, "SELECT org_id, org_name, org_level, branch_id FROM dim_org")
    ]


def balance(tiny_executor: Any, where: str) -> float:
    sql = (
        "SELECT SUM(f.balance) FROM fact_deposit_balance_daily f "
        f"JOIN dim_org o ON o.org_id = f.org_id WHERE f.biz_date = {DAY} AND ({where})"
    )
    return float(rows(tiny_executor, sql)[0][0])


def ask(settings: Settings, user: str, question: str) -> Answer:
    return callers.ask(settings, user, question)


def outside_names(tree: list[tuple[str, str, str, str | None]], inside: set[str]) -> list[str]:
    return [name for org_id, name, _, _ in tree if org_id not in inside]


@pytest.mark.parametrize("user", SCOPED)
@pytest.mark.parametrize(
    "question",
    [
        "总行的存款余额",
        "本行存款余额",
        "我行存款余额",
        "全行存款余额",
        "总部的贷款余额",
        "deposit balance of the whole bank",
        "our bank's deposit balance",
        "HQ deposit balance",
    ],
)
def test_the_whole_bank_in_any_words_is_refused_to_a_scoped_role(
    settings: Settings, user: str, question: str
) -> None:
    answer = ask(settings, user, question)
    assert (answer.status, answer.code) == ("refused", "ACCESS_DENIED"), answer.message
    assert answer.rows == ()


@pytest.mark.parametrize("question", ["总行的存款余额", "本行存款余额", "我行存款余额"])
def test_the_whole_bank_in_any_words_is_the_bank_total_for_head_office(
    settings: Settings, tiny_executor: Any, question: str
) -> None:
    answer = ask(settings, "zhang.wei", question)
    assert answer.status == "ok", answer.message
    assert float(answer.rows[0][-1]) == pytest.approx(balance(tiny_executor, "TRUE"))


def test_units_under_the_askers_own_are_not_the_whole_bank(
    settings: Settings, tiny_executor: Any
) -> None:
    answer = ask(settings, "li.na", "本行下辖各支行存款余额")
    assert answer.status == "ok", answer.message
    got = {r[0]: r[1] for r in answer.rows}
    assert set(got) == {"成都高新支行", "成都锦江支行"}
    assert float(got["成都高新支行"]) == pytest.approx(
        balance(tiny_executor, "o.org_id = 'B05S01'")
    )


def test_every_org_code_is_refused_outside_scope_and_answered_inside(
    settings: Settings, tiny_executor: Any, tree: list[tuple[str, str, str, str | None]]
) -> None:
    """A sweep over the whole tree, as the 成都 branch president: B06 and B06S01 are refused,
    B05 and B05S01 answered with that unit's own figure (not hers in silence)."""
    inside = {org_id for org_id, _, _, branch in tree if branch == "B05"}
    for org_id, _, level, _ in tree:
        if level == "总行":
            continue
        answer = ask(settings, "li.na", f"{org_id}的存款余额")
        if org_id in inside:
            assert answer.status == "ok", (org_id, answer.message)
            column = "o.branch_id" if level == "分行" else "o.org_id"
            assert float(answer.rows[0][-1]) == pytest.approx(
                balance(tiny_executor, f"{column} = '{org_id}'")
            ), org_id
        else:
            assert (answer.status, answer.code) == ("refused", "ACCESS_DENIED"), org_id


@pytest.mark.parametrize(
    ("question", "branch"),
    [
        ("渝存款余额", "B06"),
        ("沪分行的贷款余额", "B01"),
        ("穗的存款余额", "B03"),
        ("深行存款余额", "B04"),
        ("汉分行存款余额", "B09"),
        ("宁地区的存款余额", "B08"),
    ],
)
def test_city_short_names_are_the_branch_in_that_city(
    settings: Settings, tiny_executor: Any, question: str, branch: str
) -> None:
    refused = ask(settings, "li.na", question)
    assert (refused.status, refused.code) == ("refused", "ACCESS_DENIED"), refused.message
    answered = ask(settings, "zhang.wei", question)
    assert answered.status == "ok", answered.message
    assert any(branch in str(f.value) for f in answered.filters), answered.filters


def test_her_own_citys_short_name_is_her_branch(settings: Settings, tiny_executor: Any) -> None:
    answer = ask(settings, "li.na", "蓉的存款余额")
    assert answer.status == "ok", answer.message
    assert float(answer.rows[0][-1]) == pytest.approx(balance(tiny_executor, "o.branch_id = 'B05'"))
    assert any("成都分行" in f.label for f in answer.filters)


def test_a_short_name_inside_another_word_is_not_a_city(settings: Settings) -> None:
    """深 in 资深 is not 深圳: the question is not refused as out of scope."""
    answer = ask(settings, "li.na", "资深客户经理的存款余额")
    assert answer.code != "ACCESS_DENIED"


@pytest.mark.parametrize("user", SCOPED)
@pytest.mark.parametrize(
    "question", ["重庆的存款余额", "解放碑支行存款余额", "B06S01存款余额", "渝存款余额", "高新"]
)
def test_refusals_name_no_unit_outside_scope(
    settings: Settings,
    tree: list[tuple[str, str, str, str | None]],
    user: str,
    question: str,
) -> None:
    """A partial name is never expanded into another unit's full name in a message."""
    who = callers.who(settings, user)
    inside = {o for o, _, _, branch in tree if who.org_id in (o, branch)}
    if who.org_id not in {o for o, _, level, _ in tree if level == "分行"}:
        inside = {who.org_id}
    answer = ask(settings, user, question + ("支行存款余额" if question == "高新" else ""))
    text = " ".join([answer.message, *answer.assumptions, *(c.label for c in answer.choices)])
    for name in outside_names(tree, inside):
        assert name not in text, (name, text)


@pytest.fixture(scope="module")
def managers(tiny_executor: Any) -> list[tuple[str, str]]:
    """(emp_name, org_id) of every client manager, read directly; names unique in the bank."""
    found = rows(
        tiny_executor,
        "SELECT emp_name, min(org_id) FROM dim_employee WHERE position = '客户经理' "
        "GROUP BY emp_name HAVING count(*) = 1 ORDER BY emp_name",
    )
    return [(r[0], r[1]) for r in found]


def shape(answer: Answer, word: str) -> tuple[object, ...]:
    """What a response says, with the words it did not understand replaced by a placeholder
    (jieba may cut one name in two: that depends on the characters, not on the warehouse)."""
    unknown = re.findall(r"「([^」]*)」", answer.message)
    pieces = [p for u in unknown for p in u.split("、")]
    assert pieces and all(p in word for p in pieces), answer.message  # named as not understood
    return (
        answer.status,
        answer.code,
        re.sub(r"「[^」]*」", "「＿」", answer.message),
        tuple(re.sub(r"「[^」]*」", "「＿」", c.label) for c in answer.choices),
        answer.rows,
    )


def test_a_manager_outside_scope_reads_exactly_as_a_name_nobody_has(
    settings: Settings, managers: list[tuple[str, str]]
) -> None:
    """Staff names cannot be confirmed bank-wide: for the 成都 president, a 重庆 manager and a
    made-up name get the same response, word for word."""
    outside = [name for name, org in managers if not org.startswith("B05")][:5]
    unknown = "欧阳不存"
    assert not any(name == unknown for name, _ in managers)
    nobody = shape(ask(settings, "li.na", f"客户经理{unknown}的存款余额"), unknown)
    assert nobody[0] == "clarify"
    for name in outside:
        assert shape(ask(settings, "li.na", f"客户经理{name}的存款余额"), name) == nobody, name


def test_a_manager_inside_scope_is_answered(
    settings: Settings, tiny_executor: Any, managers: list[tuple[str, str]]
) -> None:
    name, _ = next((n, o) for n, o in managers if o.startswith("B05"))
    answer = ask(settings, "li.na", f"客户经理{name}的存款余额")
    assert answer.status == "ok", answer.message
    want = rows(
        tiny_executor,
        "SELECT SUM(f.balance) FROM fact_deposit_balance_daily f "
        "JOIN dim_customer c ON c.cust_id = f.cust_id "
        "JOIN dim_employee e ON e.emp_id = c.manager_emp_id "
        f"WHERE f.biz_date = {DAY} AND e.emp_name = '{name}'",
    )
    assert float(answer.rows[0][-1]) == pytest.approx(float(want[0][0]))
