"""The one PII redactor (asker/pii.py), by property: generated ID numbers with valid check
characters (18- and 15-digit), mobiles, Luhn-valid cards and 统一社会信用代码 with valid check
characters, written the ways people write them (separators inside digit groups, full-width
digits, zero-width characters, Chinese numerals), inside Chinese and English sentences: none of
their digits may survive redaction. The generators here compute check digits from the standards
(GB 11643, ISO 7812 Luhn, GB 32100), not from the code under test."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from asker.pii import redact_pii, redact_sql, register_known_values

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CHINESE = "零一二三四五六七八九"
FULL_WIDTH = "０１２３４５６７８９"
ZERO_WIDTH = "\u200b"


def id18(area: int, birth: dt.date, seq: int) -> str:
    body = f"{area:06d}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def luhn(body: str) -> str:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(body)):
        total += (2 * d - 9 if d >= 5 else 2 * d) if i % 2 == 0 else d
    return body + str((10 - total % 10) % 10)


def uscc(body: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


areas = st.integers(110000, 659999)
births = st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31))
ids18 = st.builds(id18, areas, births, st.integers(0, 999))
ids15 = st.builds(lambda a, b, s: f"{a:06d}{b:%y%m%d}{s:03d}", areas, births, st.integers(0, 999))
mobiles = st.builds(
    lambda p, rest: f"1{p}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1)
)
cards = st.builds(
    lambda bin_, n, rest: luhn(bin_ + f"{rest:0{n - 7}d}"),
    st.sampled_from(["621785", "622202", "623668", "436742"]),
    st.integers(16, 19),
    st.integers(0, 10**9),
)
credit_codes = st.builds(
    lambda head, area, org: uscc(head + f"{area:06d}" + org),
    st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "Y1"]),
    areas,
    st.text(USCC_CHARS, min_size=9, max_size=9).filter(lambda s: any(c.isalpha() for c in s)),
)
values = st.one_of(ids18, ids15, mobiles, cards, credit_codes)


@st.composite
def written(draw: st.DrawFn, value: str) -> str:
    """``value`` as a person might type it: grouped with separators, digits in other scripts."""
    out = []
    group = draw(st.sampled_from([0, 3, 4, 6]))
    sep = draw(st.sampled_from([" ", ".", "-", "·", "  ", " - ", ")(", "（", "/", ZERO_WIDTH]))
    script = draw(st.sampled_from(["ascii", "full", "chinese", "mixed", "zero-width"]))
    for i, raw in enumerate(value):
        if group and i and i % group == 0:
            out.append(sep)
        char = raw
        if raw.isdigit() and (script == "full" or (script == "mixed" and i % 2)):
            char = FULL_WIDTH[int(raw)]
        elif raw.isdigit() and script == "chinese":
            char = CHINESE[int(raw)] if raw != "0" else draw(st.sampled_from("零〇"))
        out.append(char)
        if script == "zero-width" and i % 5 == 2:
            out.append(ZERO_WIDTH)
    return "".join(out)


def digits_of(text: str) -> str:
    fold = {
        **{f: str(i) for i, f in enumerate(FULL_WIDTH)},
        **{c: str(i) for i, c in enumerate(CHINESE)},
    }
    fold["〇"] = "0"
    return "".join(fold.get(c, c) for c in text if fold.get(c, c).isdigit())


sentences = st.sampled_from(
    ["客户{}的存款余额", "查一下 {} 这个人", "证件号：{}，手机呢", "card {} balance?", "{}"]
)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_no_pii_value_survives_however_it_is_written(data: st.DataObject) -> None:
    value = data.draw(values)
    typed = data.draw(written(value))
    text = data.draw(sentences).format(typed)
    redacted = redact_pii(text)
    assert digits_of(value)[-8:] not in digits_of(redacted), (text, redacted)
    assert "[" in redacted


@settings(max_examples=200, deadline=None)
@given(value=values, cut=st.integers(1, 10))
def test_a_value_split_across_sql_literals_is_redacted(value: str, cut: int) -> None:
    head, tail = value[:cut], value[cut:]
    sql = f"SELECT * FROM dim_customer WHERE id_no = '{head}' || '{tail}'"
    assert value[-8:] not in redact_sql(sql).replace("' || '", "")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        [
            "上个月各分行的存款余额是多少？",
            "2026-09-30 的不良贷款率",
            "近12个月每月新增客户数",
            "存款超过1亿的支行",
            "NPL ratio by branch last quarter",
            "B05S01 支行 2025年一季度 贷款余额",
            "大额转出 500000 元以上的笔数",
        ]
    )
)
def test_ordinary_questions_are_unchanged(question: str) -> None:
    assert redact_pii(question) == question


def test_names_and_addresses_from_the_warehouse_are_redacted() -> None:
    register_known_values(
        ["欧阳明珠", "成都锦程贸易有限公司"], ["成都市武侯区振兴路529号22栋2单元902室"]
    )
    text = "欧阳明珠住在成都市武侯区振兴路529号22栋2单元902室，是成都锦程贸易有限公司的股东"
    assert redact_pii(text) == "[姓名]住在[地址]，是[姓名]的股东"
    assert redact_pii("地址 振兴路529号22栋2单元902室") == "地址 [地址]"
    assert redact_pii("欧") == "欧"  # one character is not a name
