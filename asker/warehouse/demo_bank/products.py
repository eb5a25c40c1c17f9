"""dim_product: the demo bank's deposit, loan and wealth products (a fixed shelf).

``product_x`` adds who may hold a product ('个人', '对公' or '全部') for the later steps.
"""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank.sqlkit import sql_str

# (name, product_type, category, term_months, holder)
PRODUCTS: tuple[tuple[str, str, str, int | None, str], ...] = (
    ("个人活期储蓄", "活期存款", "存款", None, "个人"),
    ("单位活期存款", "活期存款", "存款", None, "对公"),
    ("单位协定存款", "活期存款", "存款", None, "对公"),
    ("整存整取三个月", "定期存款", "存款", 3, "个人"),
    ("整存整取六个月", "定期存款", "存款", 6, "个人"),
    ("整存整取一年", "定期存款", "存款", 12, "个人"),
    ("整存整取二年", "定期存款", "存款", 24, "个人"),
    ("整存整取三年", "定期存款", "存款", 36, "个人"),
    ("整存整取五年", "定期存款", "存款", 60, "个人"),
    ("单位定期存款三个月", "定期存款", "存款", 3, "对公"),
    ("单位定期存款一年", "定期存款", "存款", 12, "对公"),
    ("单位定期存款三年", "定期存款", "存款", 36, "对公"),
    ("个人大额存单一年期", "大额存单", "存款", 12, "个人"),
    ("个人大额存单三年期", "大额存单", "存款", 36, "个人"),
    ("单位大额存单一年期", "大额存单", "存款", 12, "对公"),
    ("单位大额存单三年期", "大额存单", "存款", 36, "对公"),
    ("安居贷（个人住房贷款二十年）", "个人住房贷款", "贷款", 240, "个人"),
    ("安居贷（个人住房贷款三十年）", "个人住房贷款", "贷款", 360, "个人"),
    ("薪易贷（个人消费贷款一年）", "个人消费贷款", "贷款", 12, "个人"),
    ("薪易贷（个人消费贷款三年）", "个人消费贷款", "贷款", 36, "个人"),
    ("商户贷（个人经营贷款一年）", "个人经营贷款", "贷款", 12, "个人"),
    ("商户贷（个人经营贷款三年）", "个人经营贷款", "贷款", 36, "个人"),
    ("流动资金贷款一年", "流动资金贷款", "贷款", 12, "对公"),
    ("流动资金贷款三年", "流动资金贷款", "贷款", 36, "对公"),
    ("固定资产贷款五年", "固定资产贷款", "贷款", 60, "对公"),
    ("固定资产贷款十年", "固定资产贷款", "贷款", 120, "对公"),
    ("普惠小微贷款一年", "普惠小微贷款", "贷款", 12, "对公"),
    ("普惠小微贷款三年", "普惠小微贷款", "贷款", 36, "对公"),
    ("稳健理财三个月", "理财产品", "理财", 3, "全部"),
    ("稳健理财六个月", "理财产品", "理财", 6, "全部"),
    ("增利理财一年", "理财产品", "理财", 12, "全部"),
    ("增利理财二年", "理财产品", "理财", 24, "全部"),
)


def _values() -> str:
    rows = []
    for i, (name, ptype, category, term, holder) in enumerate(PRODUCTS, start=1):
        term_sql = "NULL::INTEGER" if term is None else str(int(term))
        rows.append(
            f"('P{i:03d}', {sql_str(name)}, {sql_str(ptype)}, {sql_str(category)}, "
            f"{term_sql}, {sql_str(holder)})"
        )
    return ",\n".join(rows)


# rank_in_type numbers the products a holder may choose within one product type (1..n_in_type).
PRODUCT_X = f"""
CREATE TEMP TABLE product_x AS
SELECT *,
       row_number() OVER (PARTITION BY product_type, holder ORDER BY product_id) AS rank_in_type,
       count(*) OVER (PARTITION BY product_type, holder) AS n_in_type
FROM (VALUES {_values()}) t(product_id, product_name, product_type, category, term_months, holder)
"""

DIM_PRODUCT = """
INSERT INTO dim_product
SELECT product_id, product_name, product_type, category, term_months FROM product_x
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(PRODUCT_X)
    con.execute(DIM_PRODUCT)
