"""fact_transaction: transactions on deposit accounts while they are open.

Demand accounts transact at their own monthly rate (对公 more often), growing slowly over time;
dormant accounts stop transacting at ``dormant_from``. Time deposits show only their opening
deposit and, when closed, their withdrawal. 手机银行 dominates and grows; 对公 payments bring the
large outflows (大额转出). txn_id follows txn_time.
"""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank.sqlkit import weighted

_RETAIL_TYPE = weighted(
    [
        ("消费", 0.38),
        ("转账", 0.25),
        ("取现", 0.10),
        ("工资代发", 0.12),
        ("理财申赎", 0.07),
        ("贷款还款", 0.08),
    ],
    "unif('txn_type', acct_no, mi, k)",
)
_CORP_TYPE = weighted(
    [
        ("转账", 0.60),
        ("工资代发", 0.10),
        ("税费缴纳", 0.12),
        ("贷款还款", 0.08),
        ("理财申赎", 0.10),
    ],
    "unif('txn_type', acct_no, mi, k)",
)

# Regular demand-account transactions: floor(rate + u) per account and month (within open days).
TXN_DEMAND = f"""
CREATE TEMP TABLE txn_raw AS
WITH am AS (
    SELECT am.acct_no, am.mi, am.d_from,
           least(am.d_to, coalesce(date_diff('day', hist_start(), a.dormant_from)::INTEGER - 1,
                                   am.d_to)) AS d_last,
           a.is_corp, a.segment,
           CASE WHEN a.is_corp THEN lognorm(6.0, 0.9, gauss('txn_rate', a.acct_no))
                ELSE lognorm(2.0, 0.9, gauss('txn_rate', a.acct_no)) END AS rate
    FROM acct_month am JOIN acct_x a USING (acct_no)
    WHERE a.cls > 0
),
counted AS (
    SELECT *,
           floor(rate * txn_intensity() * (d_last - d_from + 1) / 30.4 * (1 + 0.012 * mi)
                 * exp(0.3 * gauss('txn_month', acct_no, mi)) + unif('txn_n', acct_no, mi))::INTEGER
               AS n
    FROM am WHERE d_last >= d_from
),
expanded AS (
    SELECT acct_no, mi, is_corp, segment, d_from, d_last, unnest(range(n)) AS k
    FROM counted WHERE n > 0
)
SELECT acct_no, mi, k, is_corp,
       d_from + floor(unif('txn_day', acct_no, mi, k) * (d_last - d_from + 1))::INTEGER AS day_idx,
       CASE WHEN is_corp THEN {_CORP_TYPE}
            ELSE CASE WHEN {_RETAIL_TYPE} = '工资代发' AND segment <> '代发工资客群' THEN '转账'
                      ELSE {_RETAIL_TYPE} END
       END AS txn_type
FROM expanded
"""

# Time deposits: the opening deposit and the withdrawal on the last open day (k = 0, 1; mi = -1).
TXN_TIME_DEPOSIT = """
INSERT INTO txn_raw
SELECT acct_no, -1, k, is_corp,
       date_diff('day', hist_start(),
                 CASE k WHEN 0 THEN open_date ELSE close_date - 1 END)::INTEGER,
       '转账'
FROM acct_x, range(2) t(k)
WHERE cls = 0
  AND CASE k WHEN 0 THEN open_date ELSE close_date - 1 END BETWEEN hist_start() AND data_date()
"""

_DIRECTION = """
CASE WHEN r.mi = -1 THEN CASE r.k WHEN 0 THEN '转入' ELSE '转出' END
     WHEN r.txn_type IN ('转账', '理财申赎') THEN
        CASE WHEN unif('txn_dir', r.acct_no, r.mi, r.k) < 0.5 THEN '转入' ELSE '转出' END
     WHEN r.txn_type = '工资代发' AND NOT r.is_corp THEN '转入'
     ELSE '转出' END
"""

_AMOUNT = """
CASE WHEN r.mi = -1 THEN a.base
     WHEN r.is_corp THEN CASE r.txn_type
        WHEN '转账' THEN lognorm(20000, 1.5, z) WHEN '工资代发' THEN lognorm(60000, 0.8, z)
        WHEN '税费缴纳' THEN lognorm(15000, 1.2, z) WHEN '贷款还款' THEN lognorm(60000, 0.8, z)
        ELSE lognorm(100000, 0.9, z) END
     ELSE CASE r.txn_type
        WHEN '消费' THEN lognorm(180, 1.1, z) WHEN '转账' THEN lognorm(2500, 1.4, z)
        WHEN '取现' THEN greatest(100, round(lognorm(1000, 0.7, z), -2))
        WHEN '工资代发' THEN lognorm(8500, 0.5, z) WHEN '贷款还款' THEN lognorm(4000, 0.7, z)
        ELSE lognorm(50000, 1.0, z) END
END
"""

# 手机银行 grows by 0.6 pp a month; 取现 goes through ATM or 柜面; 对公 mostly 网上银行.
_CHANNEL = """
CASE WHEN txn_type = '取现' THEN CASE WHEN u_ch < 0.8 THEN 'ATM' ELSE '柜面' END
     WHEN is_corp THEN CASE WHEN u_ch < 0.55 THEN '网上银行'
                              WHEN u_ch < 0.70 + 0.004 * day_mi THEN '手机银行' ELSE '柜面' END
     WHEN u_ch < 0.48 + 0.006 * day_mi THEN '手机银行'
     WHEN u_ch < 0.58 + 0.006 * day_mi THEN '微信银行'
     WHEN u_ch < 0.70 + 0.004 * day_mi THEN '网上银行'
     WHEN u_ch < 0.73 + 0.004 * day_mi THEN 'ATM'
     ELSE '柜面' END
"""

_COUNTERPARTY = """
CASE WHEN r.txn_type = '取现' THEN a.cust_name
     WHEN r.txn_type = '贷款还款' THEN bank_name()
     WHEN r.txn_type = '理财申赎' THEN '示范理财有限责任公司'
     WHEN r.txn_type = '税费缴纳' THEN '国家税务总局' || c.city || '市税务局'
     WHEN r.txn_type = '工资代发' AND NOT r.is_corp
         THEN company_name(c.city, industry_words()[1 + a.cust_no % 10], 'employer', a.cust_no)
     WHEN r.txn_type = '工资代发' THEN person_name('payee', r.acct_no * 100000 + r.mi * 100 + r.k,
                                               unif('payee_sex', r.acct_no, r.mi, r.k) < 0.5)
     WHEN r.txn_type = '消费' THEN company_name(c.city, merchant_words(), 'merchant', u_cp)
     WHEN unif('cp_kind', r.acct_no, r.mi, r.k) < CASE WHEN r.is_corp THEN 0.2 ELSE 0.65 END
         THEN person_name('cp', u_cp, unif('cp_sex', r.acct_no, r.mi, r.k) < 0.5)
     ELSE company_name(c.city, industry_words()[1 + floor(u_cp * 10)::INTEGER], 'cp_corp', u_cp)
END
"""

FACT_TRANSACTION = f"""
INSERT INTO fact_transaction
WITH t AS (
    SELECT r.*, a.account_id, a.cust_id, a.org_id, cal.biz_date, cal.mi AS day_mi,
           gauss('txn_amt', r.acct_no, r.mi, r.k) AS z,
           unif('txn_channel', r.acct_no, r.mi, r.k) AS u_ch,
           unif('txn_cp', r.acct_no, r.mi, r.k) AS u_cp,
           {_DIRECTION} AS direction,
           CAST({_AMOUNT} AS DECIMAL(18,2)) AS amount,
           {_COUNTERPARTY} AS counterparty_name
    FROM txn_raw r JOIN acct_x a USING (acct_no) JOIN cust_x c ON c.cust_no = a.cust_no
    JOIN cal_x cal USING (day_idx)
),
channelled AS (
    SELECT *, {_CHANNEL} AS channel,
           unif('txn_time', acct_no, mi, k) AS u_time
    FROM t
),
timed AS (
    SELECT *,
           biz_date + to_seconds(CASE WHEN channel = '柜面'
                                      THEN 9 * 3600 + floor(u_time * 8 * 3600)
                                      ELSE 6 * 3600 + floor(pow(u_time, 0.9) * 18 * 3600)
                                 END::BIGINT) AS txn_time
    FROM channelled
)
SELECT fmt_id('T', row_number() OVER (ORDER BY txn_time, acct_no, mi, k), 9), txn_time,
       biz_date, account_id, cust_id, org_id, channel, direction, amount, txn_type,
       counterparty_name
FROM timed
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    for sql in (TXN_DEMAND, TXN_TIME_DEPOSIT, FACT_TRANSACTION):
        con.execute(sql)
    con.execute("DROP TABLE txn_raw")
