"""TEMP macros shared by every step: seeded hash randomness, constants, names and ids.

Every pseudo-random value is a hash of (seed, salt, row key) mapped into (0, 1): reproducible on
any number of threads, unlike ``random()``. The macros live in the connection's temp catalog, so
nothing but the warehouse tables is ever written to the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import accumulate

import duckdb

from asker.warehouse.demo_bank import reference as ref
from asker.warehouse.demo_bank.scales import Scale

HISTORY_START = date(2024, 1, 1)
BUDGET_END = date(2026, 12, 31)


def sql_str(text: str) -> str:
    if "'" in text or "\\" in text:
        raise ValueError(f"unsafe literal {text!r}")
    return f"'{text}'"


def sql_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(sql_str(s) for s in items) + "]"


def sql_nested(lists: Iterable[Iterable[str]]) -> str:
    return "[" + ", ".join(sql_list(items) for items in lists) + "]"


def weighted(pairs: Sequence[tuple[str, float]], u_expr: str) -> str:
    """SQL picking one value of ``pairs`` with the given weights, driven by the uniform u_expr."""
    total = sum(w for _, w in pairs)
    cum = [round(c / total, 6) for c in accumulate(w for _, w in pairs)][:-1]
    cum_sql = "[" + ", ".join(f"{c:.6f}" for c in cum) + "]::DOUBLE[]"
    return f"wpick({sql_list(v for v, _ in pairs)}, {cum_sql}, {u_expr})"


def _u(seed: int, args: str) -> str:
    return f"((hash({seed}, {args}) % 1000003)::DOUBLE + 0.5) / 1000003.0"


def _random_macros(seed: int) -> list[str]:
    return [
        "CREATE TEMP MACRO unif(salt, a) AS "
        + _u(seed, "salt, a")
        + ", (salt, a, b) AS "
        + _u(seed, "salt, a, b")
        + ", (salt, a, b, c) AS "
        + _u(seed, "salt, a, b, c")
        + ", (salt, a, b, c, d) AS "
        + _u(seed, "salt, a, b, c, d"),
        # standard normal by Box-Muller from two independent uniforms
        "CREATE TEMP MACRO gauss(salt, a) AS "
        "sqrt(-2 * ln(unif(salt, a, -1))) * cos(2 * pi() * unif(salt, a, -2)), "
        "(salt, a, b) AS "
        "sqrt(-2 * ln(unif(salt, a, b, -1))) * cos(2 * pi() * unif(salt, a, b, -2)), "
        "(salt, a, b, c) AS "
        "sqrt(-2 * ln(unif(salt, a, b, c, -1))) * cos(2 * pi() * unif(salt, a, b, c, -2))",
        "CREATE TEMP MACRO lognorm(median, sigma, z) AS median * exp(sigma * z)",
        # n pseudo-random decimal digits (n <= 18)
        f"CREATE TEMP MACRO rand_digits(salt, a, n) AS "
        f"lpad((hash({seed}, salt, a, 'digits') % (10 ** n)::UBIGINT)::VARCHAR, n, '0')",
        "CREATE TEMP MACRO pick(lst, x) AS lst[1 + floor(x * len(lst))::BIGINT]",
        "CREATE TEMP MACRO wpick(vals, cum, x) AS "
        "vals[1 + len(list_filter(cum, lambda c: c <= x))]",
        "CREATE TEMP MACRO between_days(d0, d1, x) AS "
        "d0::DATE + floor(x * (date_diff('day', d0::DATE, d1::DATE) + 1))::INTEGER",
    ]


def _constant_macros(scale: Scale, data_date: date) -> list[str]:
    cal_end = date(max(BUDGET_END.year, data_date.year), 12, 31)
    subs = ", ".join(str(n) for n in scale.sub_branches)
    return [
        f"CREATE TEMP MACRO data_date() AS DATE '{data_date.isoformat()}'",
        f"CREATE TEMP MACRO hist_start() AS DATE '{HISTORY_START.isoformat()}'",
        f"CREATE TEMP MACRO cal_end() AS DATE '{cal_end.isoformat()}'",
        f"CREATE TEMP MACRO n_customers() AS {int(scale.customers)}",
        f"CREATE TEMP MACRO corp_share() AS {float(scale.corporate_share)!r}",
        f"CREATE TEMP MACRO sub_counts() AS [{subs}]",
        f"CREATE TEMP MACRO n_managers() AS {int(scale.managers_per_sub_branch)}",
        f"CREATE TEMP MACRO n_wealth_managers() AS {int(scale.wealth_managers_per_sub_branch)}",
        f"CREATE TEMP MACRO n_analysts() AS {int(scale.analysts)}",
        f"CREATE TEMP MACRO txn_intensity() AS {float(scale.txn_intensity)!r}",
        # month index: 0 = January 2024
        "CREATE TEMP MACRO month_idx(d) AS (year(d) - 2024) * 12 + month(d) - 1",
        "CREATE TEMP MACRO month_end_of(mi) AS "
        "last_day(DATE '2024-01-01' + to_months(mi::INTEGER))",
        "CREATE TEMP MACRO fmt_id(prefix, n, width) AS prefix || lpad(n::VARCHAR, width, '0')",
    ]


def _districts(field: int) -> str:
    """Per city, the district names (field 0) or their area codes (field 1)."""
    return sql_nested([d[field] for d in c.districts] for c in ref.CITIES)


def _list_macros() -> list[str]:
    cities = ref.CITIES
    return [
        f"CREATE TEMP MACRO bank_name() AS {sql_str(ref.BANK_NAME)}",
        f"CREATE TEMP MACRO cities() AS {sql_list(c.name for c in cities)}",
        f"CREATE TEMP MACRO city_weights() AS [{', '.join(repr(c.weight) for c in cities)}]",
        f"CREATE TEMP MACRO city_risks() AS [{', '.join(repr(c.risk) for c in cities)}]",
        f"CREATE TEMP MACRO sub_sites() AS {sql_nested(c.sub_branch_sites for c in cities)}",
        f"CREATE TEMP MACRO districts() AS {_districts(0)}",
        f"CREATE TEMP MACRO area_codes() AS {_districts(1)}",
        f"CREATE TEMP MACRO streets() AS {sql_list(ref.STREETS)}",
        f"CREATE TEMP MACRO surnames() AS {sql_list(ref.SURNAMES)}",
        f"CREATE TEMP MACRO male_chars() AS {sql_list(ref.MALE_CHARS)}",
        f"CREATE TEMP MACRO female_chars() AS {sql_list(ref.FEMALE_CHARS)}",
        f"CREATE TEMP MACRO brands() AS {sql_list(ref.BRANDS)}",
        f"CREATE TEMP MACRO industries() AS {sql_list(i for i, _, _ in ref.INDUSTRIES)}",
        f"CREATE TEMP MACRO industry_words() AS {sql_nested(w for _, _, w in ref.INDUSTRIES)}",
        f"CREATE TEMP MACRO merchant_words() AS {sql_list(ref.MERCHANT_WORDS)}",
    ]


NAME_MACROS = (
    # Chinese personal name: surname (frequent ones favoured) + one or two given characters
    "CREATE TEMP MACRO person_name(salt, k, male) AS "
    "pick(surnames(), pow(unif(salt, k, 1), 1.6)) "
    "|| pick(CASE WHEN male THEN male_chars() ELSE female_chars() END, unif(salt, k, 2)) "
    "|| CASE WHEN unif(salt, k, 3) < 0.7 "
    "THEN pick(CASE WHEN male THEN male_chars() ELSE female_chars() END, unif(salt, k, 4)) "
    "ELSE '' END",
    "CREATE TEMP MACRO company_name(city, words, salt, k) AS "
    "city || pick(brands(), unif(salt, k, 5)) || pick(words, unif(salt, k, 6)) || '有限公司'",
    # 18-digit resident ID: area + birth date + sequence (odd = male) + ISO 7064 check character
    "CREATE TEMP MACRO id17(area, birth, seq2, male, x) AS "
    "area || strftime(birth, '%Y%m%d') || lpad(seq2::VARCHAR, 2, '0') "
    "|| (2 * floor(x * 5)::INTEGER + CASE WHEN male THEN 1 ELSE 0 END)::VARCHAR",
    "CREATE TEMP MACRO id_check(s) AS ('10X98765432')[(1 + list_sum(list_transform(range(1, 18), "
    "lambda i: (s[i])::INTEGER * ([7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])) % 11)::BIGINT]",
    # Luhn check digit of a digit string: every second digit from the right doubled
    "CREATE TEMP MACRO luhn_check(s) AS ((10 - list_sum(list_transform(range(1, length(s) + 1), "
    "lambda i: CASE WHEN (length(s) - i) % 2 = 0 "
    "THEN 2 * s[i]::INTEGER - CASE WHEN s[i]::INTEGER >= 5 THEN 9 ELSE 0 END "
    "ELSE s[i]::INTEGER END)) % 10) % 10)::VARCHAR",
)


def define_macros(
    con: duckdb.DuckDBPyConnection, *, seed: int, scale: Scale, data_date: date
) -> None:
    """Create every TEMP macro the steps use (seed, dates and scale baked in as literals)."""
    for sql in (
        *_random_macros(int(seed)),
        *_constant_macros(scale, data_date),
        *_list_macros(),
        *NAME_MACROS,
    ):
        con.execute(sql)
