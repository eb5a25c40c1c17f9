"""Small word lists the parser needs: measure and vague words, destructive verbs, the bank-wide
scope, follow-up markers, product categories and value aliases (fillers are in ``fillers``)."""

from __future__ import annotations

import re

# Words that only restate what a matched metric already says ("存款余额的规模", "增速").
MEASURE_WORDS = frozenset(
    (
        "余额",
        "规模",
        "金额",
        "数量",
        "数",
        "笔数",
        "户数",
        "个数",
        "类型",
        "分布",
        "结构",
        "增速",
        "增幅",
        "增长率",
        "增量",
        "增额",
        "增加额",
        "名下",
        "客户",
        "情况",
        "水平",
        "走势",
        "趋势",
        "明细",
        "构成",
        "占比",
        "比例",
        "总额",
        "总量",
        "多大",
        "多高",
        "balance",
        "balances",
        "amount",
        "type",
        "types",
        "distribution",
        "growth",
        "customers",
        "customer",
        "accounts",
        "split",
        "mix",
    )
)

# Words too vague to name a metric: ask which one is meant rather than refuse.
VAGUE_WORDS = frozenset(
    (
        "报表",
        "业绩",
        "数据",
        "余额",
        "规模",
        "增长",
        "占比",
        "指标",
        "经营",
        "表现",
        "最好",
        "最差",
        "多大",
        "出个",
        "compare",
        "balance",
        "balances",
        "amount",
        "看看",
        "numbers",
        "figures",
        "performance",
        "report",
        "data",
        "stats",
        "kpi",
        "kpis",
    )
)

# Asker only reads: these verbs ask it to change data.
# Verbs that change data: deleting, writing, and setting a value ("把存款余额改成1亿": 把 + what
# + a verb of setting + an amount; "把存款改成日均" switches the metric, a follow-up).
DESTRUCTIVE = re.compile(
    r"删除|删掉|清空|修改|更新|插入|写入|篡改|drop\b|delete\b|truncate\b|update\b|insert\b|alter\b"
    r"|把.{1,30}?(?:改成|改为|改到|设为|设成|设置为|设置成|调成|调为|调整为|调整成|调到|更正为|写成)\s*[-+]?[\d零〇一二两三四五六七八九十百千万亿]"
    r"|\bset\s+(?:the\s+)?\w+(?:\s+\w+)?\s+to\s+\d",
    re.I,
)

# A product type stands for the balance of its category when no metric is named ("大额存单余额").
PRODUCT_CATEGORY_METRIC = (
    ("存款", "deposit_balance"),
    ("存单", "deposit_balance"),
    ("贷款", "loan_balance"),
    ("理财", "wealth_balance"),
)

# Extra names for dimension values (the warehouse holds the canonical label).
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "个人": ("对私", "retail", "personal", "individual", "individuals"),
    "对公": ("corporate", "business", "companies"),
    "手机银行": ("手机", "app", "mobile", "mobile banking"),
    "网上银行": ("网银", "online banking", "internet banking"),
    "柜面": ("柜台", "网点柜面", "counter", "branch counter"),
    "微信银行": ("微信", "wechat"),
    "atm": ("自助", "自动取款机"),
    "上海分行": ("shanghai", "shanghai branch"),
    "北京分行": ("beijing", "beijing branch"),
    "广州分行": ("guangzhou", "guangzhou branch"),
    "深圳分行": ("shenzhen", "shenzhen branch"),
    "成都分行": ("chengdu", "chengdu branch"),
    "重庆分行": ("chongqing", "chongqing branch"),
    "杭州分行": ("hangzhou", "hangzhou branch"),
    "南京分行": ("nanjing", "nanjing branch"),
    "武汉分行": ("wuhan", "wuhan branch"),
    "西安分行": ("xi'an", "xian", "xi'an branch"),
}

# The whole bank, however it is said: 总行/本行/我行 name the bank, not the asker's own unit
# ("本行下辖…" names the units under the asker's: that is org_words' business, not this).
UNDER = r"(?!的?(?:下面|下边|底下|下属|下辖|旗下|辖内|管辖))"
BANK_WIDE = re.compile(
    r"全行|全辖|全部机构|整个银行|全银行|全集团|总行|总部|(?:本|我|咱)行" + UNDER + r"|"
    r"bank[- ]wide|whole bank|entire bank|all branches combined|head office|\bhq\b|"
    r"\bour bank\b" + UNDER,
    re.I,
)

# The short names of cities (沪 for 上海, 渝 for 重庆): people write them for the branch in that
# city. One character is a word of its own only where it cannot be part of another word; the
# others count with a suffix that makes them an org (深行, 汉分行, 宁地区), never as 深 in 资深.
CITY_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "上海": ("沪",),
    "重庆": ("渝",),
    "成都": ("蓉",),
    "广州": ("穗",),
    "宁波": ("甬",),
    "福州": ("榕",),
    "南宁": ("邕",),
    "贵阳": ("筑",),
    "厦门": ("鹭",),
}
CITY_SHORT_NAMES_WITH_SUFFIX: dict[str, tuple[str, ...]] = {
    "北京": ("京",),
    "深圳": ("深", "鹏"),
    "武汉": ("汉",),
    "南京": ("宁",),
    "杭州": ("杭",),
    "西安": ("镐",),
    "天津": ("津",),
    "苏州": ("苏",),
    "青岛": ("青",),
    "大连": ("连",),
    "郑州": ("郑",),
    "济南": ("济",),
    "沈阳": ("沈",),
    "长沙": ("长",),
    "合肥": ("合",),
    "昆明": ("昆",),
    "南昌": ("洪",),
    "温州": ("温",),
    "无锡": ("锡",),
    "东莞": ("莞",),
    "上海": ("申",),
}
ORG_SUFFIXES = ("行", "分行", "地区", "区域", "片区", "辖区", "机构")
FOLLOWUP = re.compile(
    r"^(?:那|那么|那就|换成|改成|改为|只看|仅看|只要|再看|再按|按|和|跟|与|"
    r"what about|how about|and\b|"
    r"only\b|just\b|switch|change|instead|now\b|same\b)|呢[?？]?$|拆开|拆分|细分",
    re.I,
)
