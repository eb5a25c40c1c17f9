"""Classes of wording the parser reads by rule, not by example (issue 18): one-character typos
of a known term, the asker's own unit or book as scope, English number of a term, questions of
function words only, setting a value as a change of data, and the spoken threshold order. The
expected queries are written by hand from each question's meaning; the questions are not taken
from any eval suite."""

from __future__ import annotations

import datetime as dt

import pytest

from asker.semantic.validate import load_seed_dictionary
from asker.types import MetricQuery, Threshold
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context, parse

DICTIONARY = load_seed_dictionary()
CTX = Context(DICTIONARY, build_lexicon(DICTIONARY), dt.date(2026, 9, 30))


# --- typos: one character typed for another, or one too many inside a term -------------------


@pytest.mark.parametrize(
    ("question", "metrics", "typed"),
    [
        ("三月末各分行的客护数", ("customer_count",), "客护数"),  # 护 for 户
        ("去年年末不凉贷款率", ("npl_ratio",), "不凉贷款率"),  # 凉 for 良
        ("本季度交易笔树", ("txn_count",), "交易笔树"),  # 树 for 数
        ("今年的交易总金额", ("txn_amount",), "交易总金额"),  # 总 inside 交易金额
    ],
)
def test_a_one_character_typo_of_a_term_is_read_as_the_term_and_said(
    question: str, metrics: tuple[str, ...], typed: str
) -> None:
    found = parse(question, CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None and found.query.metrics == metrics
    assert found.question == question  # the asker's own words are kept
    assert any(typed in note for note in found.assumptions)


def test_two_terms_equally_close_are_offered_not_guessed_between() -> None:
    # 代款余额: 贷款余额 and 存款余额 are each one character away
    found = parse("上月末代款余额是多少", CTX)
    assert (found.status, found.code) == ("clarify", "CLARIFY_TERMS")
    offered = {c.value.metrics for c in found.choices if isinstance(c.value, MetricQuery)}
    assert offered == {("loan_balance",), ("deposit_balance",)}


def test_a_word_of_change_is_never_corrected_into_a_metric_of_change() -> None:
    found = parse("各支行贷款增幅排名", CTX)
    assert found.code == "CLARIFY_COMPARE"


def test_a_typo_is_not_read_into_a_time_word() -> None:
    found = parse("储蓄存歀较年初", CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    assert found.query.compare == "ytd"
    assert found.query.metrics == ("retail_deposit_balance",)


# --- the asker's own unit or book is the scope ---------------------------------------------------


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("咱们支行上季度末的贷款余额", ("loan_balance",)),
        ("本分行9月末不良贷款率", ("npl_ratio",)),
        ("我管的客户去年年末存款余额", ("deposit_balance",)),
        ("deposit balance of my customers", ("deposit_balance",)),
    ],
)
def test_the_askers_own_unit_or_book_is_not_a_breakdown_nor_a_list(
    question: str, metrics: tuple[str, ...]
) -> None:
    found = parse(question, CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    assert found.query.metrics == metrics
    assert found.query.dimensions == ()
    assert found.query.entity is None


def test_a_ranking_over_the_askers_book_is_still_a_list_of_customers() -> None:
    found = parse("我负责的客户里贷款余额最高的3个", CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    assert (found.query.entity, found.query.order, found.query.limit) == ("customer", "desc", 3)


def test_under_our_unit_is_still_the_level_below() -> None:
    found = parse("咱们分行下面的存款余额", CTX)
    assert found.query is not None and "branch" not in found.query.dimensions
    assert not found.unexplained


# --- English number of a term ------------------------------------------------------------------


def test_an_english_term_in_its_other_number_is_the_same_term() -> None:
    found = parse("loan growth year on year", CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    assert found.query.metrics == ("loan_balance",) and found.query.compare == "yoy"


def test_an_english_content_word_is_not_read_as_glued_fillers() -> None:
    found = parse("what is the weather in Shanghai", CTX)
    assert found.status == "refused"
    assert "weather" in found.unexplained


# --- questions of function words only ---------------------------------------------------------


@pytest.mark.parametrize("question", ["这个怎么样了", "how is it going"])
def test_a_question_of_function_words_only_offers_the_metrics(question: str) -> None:
    found = parse(question, CTX)
    assert (found.status, found.code) == ("clarify", "CLARIFY_METRIC")
    assert found.choices


@pytest.mark.parametrize("question", ["您好", "thanks"])
def test_a_greeting_alone_is_refused(question: str) -> None:
    found = parse(question, CTX)
    assert (found.status, found.code) == ("refused", "NOT_ANSWERABLE")


# --- setting a value is a change of data --------------------------------------------------------


def test_setting_a_figure_to_an_amount_is_refused() -> None:
    found = parse("请把贷款余额调整为5000万", CTX)
    assert (found.status, found.code) == ("refused", "NOT_ANSWERABLE")


def test_switching_the_metric_is_not_a_change_of_data() -> None:
    found = parse("把贷款改成新发放贷款", CTX)
    assert found.status != "refused"


# --- the spoken threshold order ----------------------------------------------------------------


def test_a_threshold_word_before_its_amount_is_honoured() -> None:
    found = parse("存款余额以上2亿的分行", CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    assert found.query.dimensions == ("branch",)
    assert found.query.thresholds == (Threshold("deposit_balance", ">=", 2e8),)
