"""Funnels: fact_credit_application (申请 -> 审批 -> 用信) and fact_marketing_lead (商机).

Every stage is a subset of the one before and no date lies after the data date: a stage whose
seeded date would fall after it simply has not happened yet (审批中, not yet drawn, ...).
"""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank.sqlkit import weighted

_U_PRODUCT = "unif('app_product', i, s)"
_CORP_PRODUCTS = [("流动资金贷款", 0.5), ("普惠小微贷款", 0.35), ("固定资产贷款", 0.15)]
_RETAIL_PRODUCTS = [("个人消费贷款", 0.5), ("个人住房贷款", 0.2), ("个人经营贷款", 0.3)]
_CORP_PRODUCT = weighted(_CORP_PRODUCTS, _U_PRODUCT)
_RETAIL_PRODUCT = weighted(_RETAIL_PRODUCTS, _U_PRODUCT)
_APP_PRODUCT_TYPE = f"CASE WHEN is_corp THEN {_CORP_PRODUCT} ELSE {_RETAIL_PRODUCT} END"

_U_CHANNEL = "unif('app_channel', i, s)"
_CORP_CHANNELS = [("客户经理推荐", 0.5), ("柜面", 0.3), ("网上银行", 0.2)]
_RETAIL_CHANNELS = [("手机银行", 0.45), ("客户经理推荐", 0.25), ("柜面", 0.2), ("网上银行", 0.1)]
_CORP_CHANNEL = weighted(_CORP_CHANNELS, _U_CHANNEL)
_RETAIL_CHANNEL = weighted(_RETAIL_CHANNELS, _U_CHANNEL)
_APP_CHANNEL = f"CASE WHEN is_corp THEN {_CORP_CHANNEL} ELSE {_RETAIL_CHANNEL} END"

_APPLY_AMT = """
CASE a.product_type
    WHEN '个人消费贷款' THEN round(lognorm(80000, 0.7, gauss('app_amt', a.i, a.s)), -3)
    WHEN '个人住房贷款' THEN round(lognorm(900000, 0.5, gauss('app_amt', a.i, a.s)), -4)
    WHEN '个人经营贷款' THEN round(lognorm(500000, 0.7, gauss('app_amt', a.i, a.s)), -4)
    WHEN '流动资金贷款' THEN round(lognorm(2000000, 0.9, gauss('app_amt', a.i, a.s)), -4)
    WHEN '固定资产贷款' THEN round(lognorm(5000000, 0.9, gauss('app_amt', a.i, a.s)), -5)
    ELSE round(lognorm(800000, 0.6, gauss('app_amt', a.i, a.s)), -4) END
"""

# Applications per customer: up to 3 slots (对公 apply more often); approval takes days, drawdown
# follows approval; approval rate ~70% (lower for riskier customers), ~65% of approvals draw.
APPLICATIONS = f"""
INSERT INTO fact_credit_application
WITH slots AS (
    SELECT c.*, s::INTEGER AS s,
           between_days(greatest(c.open_date, hist_start()), data_date(), unif('app_date', c.i, s))
               AS apply_date
    FROM cust_x c, range(3) t(s)
    WHERE unif('app_has', c.i, s) < CASE WHEN c.is_corp THEN 0.45 ELSE 0.12 END
),
applied AS (
    SELECT *, {_APP_PRODUCT_TYPE} AS product_type, {_APP_CHANNEL} AS channel,
           apply_date + (1 + floor(pow(unif('app_lag', i, s), 2) * 15))::INTEGER AS decided,
           unif('app_pass', i, s) < 0.78 - 0.04 * list_position(['R1','R2','R3','R4','R5'],
                                                               risk_level) AS passes,
           unif('app_draw', i, s) < 0.65 AS draws
    FROM slots
),
decided AS (
    SELECT a.*, p.product_id, CAST({_APPLY_AMT} AS DECIMAL(18,2)) AS apply_amt,
           CASE WHEN decided > data_date() THEN '审批中' WHEN passes THEN '通过' ELSE '拒绝' END
               AS status,
           decided + floor(pow(unif('app_draw_lag', i, s), 3) * 60)::INTEGER AS drawdown
    FROM applied a JOIN product_x p
      ON p.product_type = a.product_type AND p.holder = a.cust_type
     AND p.rank_in_type = 1 + floor(unif('app_term', a.i, a.s) * p.n_in_type)
)
SELECT fmt_id('AP', row_number() OVER (ORDER BY apply_date, cust_no, s), 8), cust_id,
       open_org_id, product_id, channel, apply_date, apply_amt, status,
       CASE WHEN status <> '审批中' THEN decided END,
       CASE WHEN status = '通过'
            THEN CAST(round(apply_amt * (0.6 + 0.4 * unif('app_ratio', i, s)), -3) AS DECIMAL(18,2))
       END AS approved_amt,
       CASE WHEN status = '通过' AND draws AND drawdown <= data_date() THEN drawdown END,
       CASE WHEN status = '通过' AND draws AND drawdown <= data_date()
            THEN CAST(round(approved_amt * (0.4 + 0.6 * unif('app_drawn', i, s)), -2)
                      AS DECIMAL(18,2)) END
FROM decided
"""

_LEAD_SOURCE = weighted(
    [("模型推荐", 0.4), ("到期提醒", 0.2), ("大额变动", 0.15), ("客户经理录入", 0.25)],
    "unif('lead_source', i, s)",
)
_LEAD_CATEGORIES = [("存款", 0.4), ("理财", 0.35), ("贷款", 0.25)]
_LEAD_CATEGORY = weighted(_LEAD_CATEGORIES, "unif('lead_cat', i, s)")

# Leads for a customer's 客户经理; each stage happens with a probability and after a delay.
LEADS = f"""
INSERT INTO fact_marketing_lead
WITH slots AS (
    SELECT c.*, s::INTEGER AS s, {_LEAD_SOURCE} AS lead_source, {_LEAD_CATEGORY} AS category,
           between_days(greatest(c.open_date, hist_start()), data_date(), unif('lead_date', c.i, s))
               AS created_date
    FROM cust_x c, range(4) t(s)
    WHERE unif('lead_has', c.i, s) < 0.4
),
staged AS (
    SELECT *,
           CASE WHEN unif('lead_view', i, s) < 0.8
                THEN created_date + floor(pow(unif('lead_view_d', i, s), 2) * 7)::INTEGER
           END AS v,
           CASE WHEN unif('lead_exec', i, s) < 0.6
                THEN floor(pow(unif('lead_exec_d', i, s), 2) * 14)::INTEGER END AS e_lag,
           CASE WHEN unif('lead_conv', i, s) < 0.3
                THEN floor(pow(unif('lead_conv_d', i, s), 1.5) * 30)::INTEGER END AS c_lag
    FROM slots
),
dated AS (
    SELECT *, CASE WHEN v <= data_date() THEN v END AS viewed_date FROM staged
),
shelf AS (  -- the products a lead may recommend, by category and customer type
    SELECT p.category, t.cust_type, list(p.product_id ORDER BY p.product_id) AS ids
    FROM product_x p, (VALUES ('个人'), ('对公')) t(cust_type)
    WHERE p.holder IN (t.cust_type, '全部')
    GROUP BY p.category, t.cust_type
),
dated2 AS (
    SELECT *, CASE WHEN viewed_date + e_lag <= data_date() THEN viewed_date + e_lag END
                  AS executed_date
    FROM dated
)
SELECT fmt_id('LD', row_number() OVER (ORDER BY created_date, cust_no, s), 8), d.cust_id,
       d.manager_emp_id, d.open_org_id, pick(sh.ids, unif('lead_product', d.i, d.s)),
       d.lead_source, d.created_date, d.viewed_date, d.executed_date,
       CASE WHEN d.executed_date + d.c_lag <= data_date() THEN d.executed_date + d.c_lag END
FROM dated2 d JOIN shelf sh USING (category, cust_type)
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(APPLICATIONS)
    con.execute(LEADS)
