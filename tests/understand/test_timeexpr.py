"""Time expressions against hand-computed dates (data date 2026-09-30, a Wednesday, unless said).

Expected periods are written as "start..end" for a range, "@day" for a point in time, or None
when the text names no period. TUNED cases were used while writing the parser; HELD_OUT cases were
written at the same time and only run once at the end (see KNOWN_HELD_OUT_MISSES).
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from asker.understand.timeexpr import TimeParse, parse_time

DD = date(2026, 9, 30)


def C(
    tag: str,
    text: str,
    period: str | None = None,
    grain: str | None = None,
    compare: str | None = None,
) -> object:
    return pytest.param(text, period, grain, compare, id=tag)


TUNED = [
    # --- today / latest: the data date as a point in time
    C("today-zh", "今天的存款余额是多少", "@2026-09-30"),
    C("jinri-zh", "今日交易笔数", "@2026-09-30"),
    C("latest-zh", "最新的不良贷款率", "@2026-09-30"),
    C("current-zh", "当前各分行贷款余额", "@2026-09-30"),
    C("so-far-zh", "截至目前有效客户数有多少", "@2026-09-30"),
    C("now-zh", "现在的AUM余额", "@2026-09-30"),
    C("muqian-zh", "目前存贷比是多少", "@2026-09-30"),
    C("as-of-today-en", "deposit balance as of today", "@2026-09-30"),
    C("latest-en", "latest NPL ratio by branch", "@2026-09-30"),
    C("current-en", "current loan balance", "@2026-09-30"),
    # --- this month / last month
    C("this-month-zh", "本月新增客户数", "2026-09-01..2026-09-30"),
    C("zhege-yue-zh", "这个月的交易金额", "2026-09-01..2026-09-30"),
    C("dangyue-zh", "当月新发放贷款金额", "2026-09-01..2026-09-30"),
    C("this-month-en", "new customers this month", "2026-09-01..2026-09-30"),
    C("mtd-en", "MTD transaction amount", "2026-09-01..2026-09-30"),
    C("last-month-branches-zh", "上个月各分行存款余额是多少", "2026-08-01..2026-08-31"),
    C("shangyue-zh", "上月交易笔数", "2026-08-01..2026-08-31"),
    C("last-month-en", "loan balance last month", "2026-08-01..2026-08-31"),
    C("previous-month-en", "previous month new loans", "2026-08-01..2026-08-31"),
    C("month-before-last-zh", "上上个月的交易金额", "2026-07-01..2026-07-31"),
    C("first-two-months-ambiguous-zh", "前两个月的交易金额", None),
    # --- quarters, relative
    C("this-quarter-zh", "本季度新增客户", "2026-07-01..2026-09-30"),
    C("zhege-jidu-zh", "这个季度的授信申请笔数", "2026-07-01..2026-09-30"),
    C("dangji-zh", "当季新发放贷款", "2026-07-01..2026-09-30"),
    C("qtd-en", "QTD new loan amount", "2026-07-01..2026-09-30"),
    C("last-quarter-zh", "上季度各分行不良贷款率", "2026-04-01..2026-06-30"),
    C("shangge-jidu-zh", "上个季度的商机转化率", "2026-04-01..2026-06-30"),
    C("shangji-zh", "上季交易金额", "2026-04-01..2026-06-30"),
    C("last-quarter-en", "NPL ratio by branch last quarter", "2026-04-01..2026-06-30"),
    # --- years, relative and to-date
    C("this-year-zh", "今年的新发放贷款金额", "2026-01-01..2026-09-30"),
    C("bennian-zh", "本年交易笔数", "2026-01-01..2026-09-30"),
    C("this-year-en", "this year's new customers", "2026-01-01..2026-09-30"),
    C("ytd-monthly-zh", "今年以来每月新增客户数", "2026-01-01..2026-09-30", "month"),
    C("nianchu-zhijin-zh", "年初至今交易金额", "2026-01-01..2026-09-30"),
    C("nianchu-yilai-zh", "年初以来授信申请笔数", "2026-01-01..2026-09-30"),
    C("bennian-leiji-zh", "本年累计新发放贷款", "2026-01-01..2026-09-30"),
    C("ytd-en", "YTD transaction amount", "2026-01-01..2026-09-30"),
    C("year-to-date-en", "transactions year to date", "2026-01-01..2026-09-30"),
    C("last-year-zh", "去年的交易金额", "2025-01-01..2025-12-31"),
    C("shangnian-zh", "上年新增客户数", "2025-01-01..2025-12-31"),
    C("last-year-en", "new loans last year", "2025-01-01..2025-12-31"),
    C("qiannian-zh", "前年的交易笔数", "2024-01-01..2024-12-31"),
    # --- rolling windows
    C("7-days-zh", "近7天交易笔数", "2026-09-24..2026-09-30"),
    C("recent-7-days-zh", "最近7天的大额转出笔数", "2026-09-24..2026-09-30"),
    C("past-7-days-zh", "过去7天交易金额", "2026-09-24..2026-09-30"),
    C("one-week-zh", "近一周手机银行交易占比", "2026-09-24..2026-09-30"),
    C("last-7-days-en", "transactions in the last 7 days", "2026-09-24..2026-09-30"),
    C("past-week-en", "large outflows over the past week", "2026-09-24..2026-09-30"),
    C("30-days-zh", "近30天交易金额", "2026-09-01..2026-09-30"),
    C("3-months-cn-zh", "近三个月新增客户", "2026-07-01..2026-09-30"),
    C("recent-3-months-zh", "最近3个月的交易笔数", "2026-07-01..2026-09-30"),
    C("3-yue-zh", "近3月授信通过率", "2026-07-01..2026-09-30"),
    C("last-3-months-en", "new customers in the last 3 months", "2026-07-01..2026-09-30"),
    C("past-three-months-en", "past three months transaction amount", "2026-07-01..2026-09-30"),
    C("12-months-monthly-zh", "近12个月每月新发放贷款", "2025-10-01..2026-09-30", "month"),
    C("one-year-zh", "近一年交易金额", "2025-10-01..2026-09-30"),
    C("past-one-year-zh", "过去一年新增客户数", "2025-10-01..2026-09-30"),
    C("last-12-months-en", "new loans over the last 12 months", "2025-10-01..2026-09-30"),
    C("this-half-year-zh", "这半年的交易金额", "2026-04-01..2026-09-30"),
    C("half-year-zh", "近半年新增客户", "2026-04-01..2026-09-30"),
    C("recent-half-year-zh", "最近半年授信通过率", "2026-04-01..2026-09-30"),
    C("last-six-months-en", "transaction amount for the last six months", "2026-04-01..2026-09-30"),
    C("3-years-clipped-zh", "近三年每年新增客户", "2024-01-01..2026-09-30", "year"),
    C("this-week-zh", "本周交易笔数", "2026-09-28..2026-09-30"),
    C("last-week-zh", "上周交易金额", "2026-09-21..2026-09-27"),
    # --- named months
    C("year-month-zh", "2026年3月存款余额", "2026-03-01..2026-03-31"),
    C("two-digit-year-zh", "26年3月的交易金额", "2026-03-01..2026-03-31"),
    C("iso-month", "2026-03新增客户", "2026-03-01..2026-03-31"),
    C("slash-month", "2026/3交易笔数", "2026-03-01..2026-03-31"),
    C("spaced-zh", "2026 年 3 月 存款余额", "2026-03-01..2026-03-31"),
    C("fullwidth-zh", "２０２６年３月交易金额", "2026-03-01..2026-03-31"),
    C("march-2026-en", "deposits March 2026", "2026-03-01..2026-03-31"),
    C("mar-2026-en", "new loans in Mar 2026", "2026-03-01..2026-03-31"),
    C("month-no-year-zh", "3月新增客户数", "2026-03-01..2026-03-31"),
    C("month-cn-fen-zh", "三月份交易笔数", "2026-03-01..2026-03-31"),
    C("future-month-prev-year-zh", "11月的交易金额", "2025-11-01..2025-11-30"),
    C("shier-yue-zh", "十二月新增客户", "2025-12-01..2025-12-31"),
    C("month-range-zh", "1-8月交易金额", "2026-01-01..2026-08-31"),
    C("year-month-range-zh", "2025年1-6月新增客户", "2025-01-01..2025-06-30"),
    C("since-month-zh", "6月以来新增客户", "2026-06-01..2026-09-30"),
    C("two-periods-first-zh", "2026年3月和4月的存款余额", "2026-03-01..2026-03-31"),
    # --- quarters, named
    C("q1-cn-zh", "2026年一季度新增客户", "2026-01-01..2026-03-31"),
    C("q1-di-zh", "2026年第一季度交易金额", "2026-01-01..2026-03-31"),
    C("2026q1", "2026Q1交易笔数", "2026-01-01..2026-03-31"),
    C("q1-2026-en", "new loans Q1 2026", "2026-01-01..2026-03-31"),
    C("q1-digit-zh", "2026年1季度授信申请", "2026-01-01..2026-03-31"),
    C("q1-alone-zh", "一季度交易金额", "2026-01-01..2026-03-31"),
    C("q1-alone-en", "Q1 new customers", "2026-01-01..2026-03-31"),
    C("q4-alone-prev-year-zh", "四季度新发放贷款", "2025-10-01..2025-12-31"),
    C("first-three-quarters-zh", "前三季度新发放贷款", "2026-01-01..2026-09-30"),
    C("quarters-of-2025-zh", "2025年各季度新增客户", "2025-01-01..2025-12-31", "quarter"),
    # --- years, halves, named
    C("year-2025-zh", "2025年交易金额", "2025-01-01..2025-12-31"),
    C("full-year-zh", "2025年全年新增客户", "2025-01-01..2025-12-31"),
    C("in-2025-en", "transaction amount in 2025", "2025-01-01..2025-12-31"),
    C("fy2025-en", "FY2025 new loans", "2025-01-01..2025-12-31"),
    C("h1-zh", "上半年新增客户", "2026-01-01..2026-06-30"),
    C("h2-clipped-zh", "下半年交易金额", "2026-07-01..2026-09-30"),
    C("h2-last-year-zh", "去年下半年新发放贷款", "2025-07-01..2025-12-31"),
    C("h1-2026-zh", "2026年上半年交易笔数", "2026-01-01..2026-06-30"),
    # --- points in time
    C("march-end-ytd-zh", "3月末贷款余额较年初增长多少", "@2026-03-31", None, "ytd"),
    C("march-di-zh", "3月底存款余额", "@2026-03-31"),
    C("sanyue-mo-zh", "三月末不良贷款率", "@2026-03-31"),
    C("last-month-end-zh", "上月末存款余额", "@2026-08-31"),
    C("last-month-di-zh", "上个月底各分行贷款余额", "@2026-08-31"),
    C("end-of-last-month-en", "deposit balance at the end of last month", "@2026-08-31"),
    C("last-quarter-end-zh", "上季末不良贷款率", "@2026-06-30"),
    C("last-quarter-end2-zh", "上季度末存贷比", "@2026-06-30"),
    C("last-year-end-zh", "去年末存款余额", "@2025-12-31"),
    C("shangnian-mo-zh", "上年末贷款余额", "@2025-12-31"),
    C("last-year-niandi-zh", "去年年底的AUM余额", "@2025-12-31"),
    C("end-of-last-year-en", "loan balance at the end of last year", "@2025-12-31"),
    C("yuemo-alone-zh", "月末存款余额", "@2026-09-30"),
    C("jimo-alone-zh", "季末贷款余额", "@2026-09-30"),
    C("nianmo-alone-zh", "年末存款余额", "@2025-12-31"),
    C("nianchu-alone-zh", "年初存款余额", "@2026-01-01"),
    C("full-date-zh", "2026年6月30日存款余额", "@2026-06-30"),
    C("iso-date", "2026-06-30贷款余额", "@2026-06-30"),
    C("month-day-zh", "6月30日的存款余额", "@2026-06-30"),
    C("m-slash-d-en", "6/30 deposit balance", "@2026-06-30"),
    C("day-month-year-en", "deposit balance on 30 June 2026", "@2026-06-30"),
    C("compact-date", "20260630的存款余额", "@2026-06-30"),
    C("jiezhi-zh", "截至6月末存款余额", "@2026-06-30"),
    C("last-dec-end-zh", "去年12月末存款余额", "@2025-12-31"),
    # --- same period last year
    C("sply-alone-zh", "去年同期交易金额", "2025-09-01..2025-09-30"),
    C("sply-with-period-zh", "8月交易金额和去年同期比", "2026-08-01..2026-08-31", None, "yoy"),
    C("sply-alone-en", "transaction amount same period last year", "2025-09-01..2025-09-30"),
    C("sply-mom-zh", "去年同期环比", "2025-09-01..2025-09-30", None, "mom"),
    # --- comparisons
    C("tongbi-zh", "存款余额同比增长多少", None, None, "yoy"),
    C("last-month-tongbi-zh", "上月交易金额同比变化", "2026-08-01..2026-08-31", None, "yoy"),
    C("jiao-sply-zh", "存款余额较去年同期", None, None, "yoy"),
    C("he-qunian-bi-zh", "和去年比呢", None, None, "yoy"),
    C("this-year-vs-last-zh", "今年交易金额比去年增长多少", "2026-01-01..2026-09-30", None, "yoy"),
    C("yoy-en", "deposit balance YoY", None, None, "yoy"),
    C("y-slash-y-en", "loans y/y", None, None, "yoy"),
    C("year-over-year-en", "deposits year over year", None, None, "yoy"),
    C("year-on-year-en", "year-on-year change in NPL ratio", None, None, "yoy"),
    C("vs-last-year-en", "deposits vs last year", None, None, "yoy"),
    C("huanbi-zh", "存款余额环比", None, None, "mom"),
    C("jiao-shangyue-zh", "贷款余额较上月增长多少", None, None, "mom"),
    C("bi-shanggeyue-zh", "交易金额比上个月多了多少", None, None, "mom"),
    C("he-shangyue-bi-zh", "和上月比呢", None, None, "mom"),
    C("jiao-shangqi-zh", "存款余额较上期", None, None, "mom"),
    C("this-q-vs-last-q-zh", "本季度交易金额比上季度", "2026-07-01..2026-09-30", None, "mom"),
    C("mom-en", "deposit balance MoM", None, None, "mom"),
    C("m-slash-m-en", "loans m/m", None, None, "mom"),
    C("month-over-month-en", "month-over-month deposit growth", None, None, "mom"),
    C("vs-last-month-en", "deposits vs last month", None, None, "mom"),
    C("qoq-en", "QoQ new loans", None, None, "mom"),
    C("jiao-nianchu-zh", "存款余额较年初增加多少", None, None, "ytd"),
    C("bi-nianchu-zh", "比年初增加了多少贷款", None, None, "ytd"),
    C("xiangbi-nianchu-zh", "相比年初存款变化", None, None, "ytd"),
    C("since-start-of-year-en", "deposit growth since the start of the year", None, None, "ytd"),
    C("vs-start-of-year-en", "deposits vs start of year", None, None, "ytd"),
    C("ytd-change-en", "YTD change in deposits", None, None, "ytd"),
    # --- grains
    C("by-month-branches-zh", "各分行按月存款余额", None, "month"),
    C("meiyue-zh", "每月新增客户数", None, "month"),
    C("zhuyue-zh", "贷款余额逐月变化", None, "month"),
    C("yuedu-qushi-zh", "存款余额月度趋势", None, "month"),
    C("by-month-en", "deposits by month", None, "month"),
    C("monthly-en", "monthly new customers", None, "month"),
    C("anjidu-zh", "按季度新发放贷款", None, "quarter"),
    C("meijidu-zh", "每季度交易笔数", None, "quarter"),
    C("quarterly-en", "quarterly NPL ratio", None, "quarter"),
    C("linian-zh", "历年存款余额", None, "year"),
    C("annian-zh", "按年交易金额", None, "year"),
    C("by-year-en", "new loans by year", None, "year"),
    C("annually-en", "transaction amount annually", None, "year"),
    C("meitian-zh", "每天交易笔数", None, "day"),
    C("daily-en", "daily transaction count", None, "day"),
    C("qushi-zh", "存款余额趋势", None, "month"),
    C("trend-en", "deposit balance trend", None, "month"),
    C("ji-rijun-metric-zh", "存款季日均", None, None),
    C("rijun-not-day-zh", "各分行存款日均", None, None),
    C("anyue-rijun-zh", "按月日均存款", None, "month"),
    C("yue-rijun-metric-zh", "存款月日均", None, None),
    C("ytd-by-month-zh", "今年以来按月交易金额", "2026-01-01..2026-09-30", "month"),
    # --- numbers that are not time
    C("top5-zh", "存款余额前5的支行", None),
    C("top5-en", "top 5 branches by deposits", None),
    C("highest-3-zh", "存款余额最高的3个分行", None),
    C("50wan-zh", "存款超过50万的客户", None),
    C("500000-zh", "交易金额大于500000的笔数", None),
    C("r3-zh", "R3客户的AUM", None),
    C("b05-zh", "B05分行的存款", None),
    C("rank2-zh", "贷款余额第2名的支行", None),
    C("term-deposit-zh", "5年期定期存款余额", None),
    C("age-groups-zh", "各年龄段客户数", None, None),
    C("current-account-en", "current account balance by branch", None),
    C("year-du-budget-zh", "2026年度存款预算达成率", "2026-01-01..2026-09-30"),
    C("loan-term-25-years-zh", "期限25年的贷款余额", None),
    C("annual-grain-zh", "各分行年度新增客户", None, "year"),
    C("impossible-date", "2025/02/30存款余额", None),
    C("since-2025-en", "new customers since 2025", "2025-01-01..2026-09-30"),
    C("since-march-en", "new loans since March", "2026-03-01..2026-09-30"),
    C("latest-month-en", "transactions in the latest month", "2026-09-01..2026-09-30"),
    C("cn-range-connector-zh", "2025年10月至2026年3月交易金额", "2025-10-01..2026-03-31"),
    C("leap-day-missing-zh", "2025年2月29日存款余额", None),
]

HELD_OUT = [
    C("held-two-weeks-zh", "最近两周的交易笔数", "2026-09-17..2026-09-30"),
    C("held-past-30-days-zh", "过去30天大额转出笔数", "2026-09-01..2026-09-30"),
    C("held-six-months-each-zh", "近六个月各月新增客户", "2026-04-01..2026-09-30", "month"),
    C("held-cn-year-month-zh", "二〇二五年十二月交易金额", "2025-12-01..2025-12-31"),
    C("held-q2-end-zh", "二季度末存款余额", "@2026-06-30"),
    C("held-last-year-q4-zh", "去年四季度各分行新发放贷款", "2025-10-01..2025-12-31"),
    C("held-2025-q3-zh", "2025年第三季度不良贷款率", "2025-07-01..2025-09-30"),
    C("held-2025-q3-en", "2025 Q3 NPL ratio", "2025-07-01..2025-09-30"),
    C("held-q4-2025-en", "Q4 2025 new loans", "2025-10-01..2025-12-31"),
    C("held-end-of-march-en", "deposit balance at end of March", "@2026-03-31"),
    C("held-june-2025-en", "new customers in June 2025", "2025-06-01..2025-06-30"),
    C("held-bi-sply-zh", "存款余额比去年同期增长多少", None, None, "yoy"),
    C("held-june-end-yoy-zh", "6月末存款余额同比", "@2026-06-30", None, "yoy"),
    C("held-huanbi-shangyue-zh", "贷款余额环比上月", None, None, "mom"),
    C("held-sply-balance-zh", "去年同期的存款余额", "2025-09-01..2025-09-30"),
    C("held-each-quarter-end-zh", "各季度末贷款余额", None, "quarter"),
    C("held-each-year-end-zh", "每年末存款余额", None, "year"),
    C("held-last-q-monthly-zh", "上个季度每月交易金额", "2026-04-01..2026-06-30", "month"),
    C("held-vs-last-year-end-zh", "存款余额较上年末增长多少", None, None, "ytd"),
    C("held-past-30-days-en", "new customers in the past 30 days", "2026-09-01..2026-09-30"),
    C("held-qoq-words-en", "quarter-over-quarter change in loans", None, None, "mom"),
    C("held-year-end-en", "year-end deposit balance", "@2025-12-31"),
    C("held-end-of-q2-en", "loan balance at the end of Q2", "@2026-06-30"),
    C(
        "held-monthly-trend-en",
        "monthly trend of deposits this year",
        "2026-01-01..2026-09-30",
        "month",
    ),
    C("held-ytd-quarters-zh", "今年以来各季度新发放贷款", "2026-01-01..2026-09-30", "quarter"),
    C("held-7-ri-zh", "近7日手机银行交易占比", "2026-09-24..2026-09-30"),
    C("held-last-30-days-en", "last 30 days transactions", "2026-09-01..2026-09-30"),
    C("held-top10-last-month-end-zh", "存款余额前10的支行上月末", "@2026-08-31"),
    C("held-full-date-branches-zh", "2026年9月30日各分行存款余额", "@2026-09-30"),
    C("held-this-quarter-end-zh", "本季度末存款余额", "@2026-09-30"),
    C("held-q1-vs-sply-zh", "今年一季度新增客户较去年同期", "2026-01-01..2026-03-31", None, "yoy"),
    C("held-cn-q2-zh", "二零二六年第二季度交易金额", "2026-04-01..2026-06-30"),
    C(
        "held-past-6-months-monthly-en",
        "past 6 months new loans by month",
        "2026-04-01..2026-09-30",
        "month",
    ),
]

# Held-out cases that failed on their first and only tuning-free run (kept, not edited).
# 环比上月 is one comparison phrase; the parser reads 环比 as mom and 上月 as the period.
KNOWN_HELD_OUT_MISSES: set[str] = {"held-huanbi-shangyue-zh"}


def summary(tp: TimeParse) -> str | None:
    if tp.period is None:
        return None
    if tp.point_in_time:
        assert tp.period.start == tp.period.end
        return "@" + tp.period.start.isoformat()
    return f"{tp.period.start.isoformat()}..{tp.period.end.isoformat()}"


def check(
    text: str, period: str | None, grain: str | None, compare: str | None, data_date: date = DD
) -> None:
    got = parse_time(text, data_date)
    assert (summary(got), got.grain, got.compare) == (period, grain, compare)


@pytest.mark.parametrize(("text", "period", "grain", "compare"), TUNED)
def test_tuned(text: str, period: str | None, grain: str | None, compare: str | None) -> None:
    check(text, period, grain, compare)


@pytest.mark.parametrize(("text", "period", "grain", "compare"), HELD_OUT)
def test_held_out(
    request: pytest.FixtureRequest,
    text: str,
    period: str | None,
    grain: str | None,
    compare: str | None,
) -> None:
    if request.node.callspec.id in KNOWN_HELD_OUT_MISSES:
        pytest.xfail("missed on the held-out run; kept as found")
    check(text, period, grain, compare)


OTHER_DATA_DATE = [
    C("dd2025-this-year", "今年交易金额", "2025-01-01..2025-12-31"),
    C("dd2025-q4", "四季度新增客户", "2025-10-01..2025-12-31"),
    C("dd2025-year-end", "年末存款余额", "@2025-12-31"),
    C("dd2025-last-month-end", "上月末贷款余额", "@2025-11-30"),
    C("dd2025-3-months", "近3个月交易笔数", "2025-10-01..2025-12-31"),
    C("dd2025-november", "11月交易金额", "2025-11-01..2025-11-30"),
    C("dd2025-sply", "去年同期交易金额", "2024-12-01..2024-12-31"),
    C("dd2025-7-days", "近7天交易笔数", "2025-12-25..2025-12-31"),
    C("dd2025-quarter-end", "季末存款余额", "@2025-12-31"),
    C("dd2025-last-quarter", "last quarter new loans", "2025-07-01..2025-09-30"),
]


@pytest.mark.parametrize(("text", "period", "grain", "compare"), OTHER_DATA_DATE)
def test_other_data_date(
    text: str, period: str | None, grain: str | None, compare: str | None
) -> None:
    check(text, period, grain, compare, date(2025, 12, 31))


def test_mid_month_data_date_clips_the_month() -> None:
    got = parse_time("本月交易金额", date(2026, 3, 15))
    assert summary(got) == "2026-03-01..2026-03-15"
    assert summary(parse_time("4月交易金额", date(2026, 3, 15))) == "2025-04-01..2025-04-30"


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        pytest.param("上个月各分行存款余额", "2026年8月", "August 2026", id="month"),
        pytest.param("2026年第二季度交易金额", "2026年第二季度", "Q2 2026", id="quarter"),
        pytest.param("3月末贷款余额", "2026年3月31日", "31 Mar 2026", id="point"),
        pytest.param(
            "近7天交易笔数",
            "近7天（2026-09-24至2026-09-30）",
            "last 7 days (2026-09-24 to 2026-09-30)",
            id="window",
        ),
        pytest.param("2025年交易金额", "2025年", "2025", id="year"),
        pytest.param("上半年交易金额", "2026年上半年", "H1 2026", id="half"),
    ],
)
def test_labels(text: str, zh: str, en: str) -> None:
    got = parse_time(text, DD)
    assert (got.label_zh, got.label_en) == (zh, en)


def test_label_of_a_clipped_year_says_to_the_data_date() -> None:
    got = parse_time("今年交易金额", DD)
    assert "2026" in got.label_zh and "2026-09-30" in got.label_zh
    assert "2026-09-30" in got.label_en


def test_future_period_is_returned_unclipped_with_an_honest_label() -> None:
    got = parse_time("2026年四季度交易金额", DD)
    assert summary(got) == "2026-10-01..2026-12-31"
    assert "晚于" in got.label_zh and "2026-09-30" in got.label_zh
    assert "after" in got.label_en and "2026-09-30" in got.label_en


def test_period_before_history_is_returned_unclipped_with_an_honest_label() -> None:
    got = parse_time("2023年交易金额", DD)
    assert summary(got) == "2023-01-01..2023-12-31"
    assert "早于" in got.label_zh and "2024-01-01" in got.label_zh
    assert "before" in got.label_en and "2024-01-01" in got.label_en


def test_last_year_before_history_with_an_early_data_date() -> None:
    got = parse_time("去年交易金额", date(2024, 6, 30))
    assert summary(got) == "2023-01-01..2023-12-31"
    assert "2024-01-01" in got.label_en


def test_no_period_has_empty_labels() -> None:
    got = parse_time("各分行存款余额", DD)
    assert (got.period, got.grain, got.compare, got.spans) == (None, None, None, ())
    assert (got.label_zh, got.label_en, got.point_in_time) == ("", "", False)


def blank(text: str, tp: TimeParse) -> str:
    chars = list(text)
    for span in tp.spans:
        chars[span.start : span.end] = [" "] * (span.end - span.start)
    return re.sub(r"\s+", " ", "".join(chars)).strip()


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        pytest.param("上个月各分行存款余额是多少", "各分行存款余额是多少", id="last-month"),
        pytest.param("3月末贷款余额较年初增长多少", "贷款余额 增长多少", id="point-ytd"),
        pytest.param("今年以来每月新增客户数", "新增客户数", id="ytd-monthly"),
        pytest.param("NPL ratio by branch last quarter", "NPL ratio by branch", id="en-quarter"),
        pytest.param("8月交易金额和去年同期比", "交易金额", id="sply"),
        pytest.param("近12个月每月新发放贷款", "新发放贷款", id="window-monthly"),
        pytest.param("deposits year over year by month", "deposits", id="en-yoy-month"),
        pytest.param("截至6月末存款余额", "存款余额", id="jiezhi"),
        pytest.param("存款余额前5的支行", "存款余额前5的支行", id="untouched"),
    ],
)
def test_blanking_spans_removes_the_time_words(text: str, rest: str) -> None:
    assert blank(text, parse_time(text, DD)) == rest


def test_spans_have_kinds_and_do_not_overlap() -> None:
    text = "今年以来按月存款余额同比"
    got = parse_time(text, DD)
    assert sorted(s.kind for s in got.spans) == ["compare", "grain", "period"]
    ordered = sorted(got.spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    assert [text[s.start : s.end] for s in ordered] == ["今年以来", "按月", "同比"]


def test_every_period_is_listed_when_several_are_named() -> None:
    got = parse_time("2026年3月和4月的存款余额", DD)
    assert [s.kind for s in got.spans] == ["period", "period"]


def test_sply_next_to_a_period_is_a_compare_span() -> None:
    text = "8月交易金额和去年同期比"
    got = parse_time(text, DD)
    kinds = {text[s.start : s.end]: s.kind for s in got.spans}
    assert kinds["8月"] == "period" and "compare" in kinds.values()


def test_case_insensitive_english() -> None:
    assert parse_time("LAST MONTH deposits", DD) == parse_time("last month deposits", DD)
