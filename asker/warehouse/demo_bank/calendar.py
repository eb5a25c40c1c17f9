"""dim_date and the working calendar (``cal_x``) every daily and monthly step joins to."""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank.reference import HOLIDAYS, MAKEUP_WORKDAYS
from asker.warehouse.demo_bank.sqlkit import sql_list

DIM_DATE = f"""
INSERT INTO dim_date
SELECT d, year(d), quarter(d), month(d), day(d),
       d = last_day(d),
       d = last_day(d) AND month(d) % 3 = 0,
       month(d) = 12 AND day(d) = 31,
       (isodow(d) <= 5 AND NOT list_contains({sql_list(HOLIDAYS)}::DATE[], d))
         OR list_contains({sql_list(MAKEUP_WORKDAYS)}::DATE[], d)
FROM (SELECT unnest(range(hist_start(), cal_end() + 1, INTERVAL 1 DAY))::DATE AS d)
"""

# Days of the history (2024-01-01 .. data date) with the balance calendar factors: deposits are
# pushed up over the last days of each month and more at quarter and year ends (时点冲存款).
# A factor is (1 + uplift * sensitivity); 对公 demand accounts react most, 定期 not at all.
CALENDAR = """
CREATE TEMP TABLE cal_x AS
SELECT biz_date,
       date_diff('day', hist_start(), biz_date)::INTEGER AS day_idx,
       month_idx(biz_date)::INTEGER AS mi,
       CASE date_diff('day', biz_date, last_day(biz_date))
            WHEN 0 THEN CASE WHEN month(biz_date) = 12 THEN 0.17
                             WHEN month(biz_date) % 3 = 0 THEN 0.13 ELSE 0.035 END
            WHEN 1 THEN CASE WHEN month(biz_date) % 3 = 0 THEN 0.075 ELSE 0.015 END
            WHEN 2 THEN CASE WHEN month(biz_date) % 3 = 0 THEN 0.04 ELSE 0.0 END
            ELSE 0.0 END AS uplift
FROM dim_date
WHERE biz_date <= data_date()
"""

MONTHS = """
CREATE TEMP TABLE month_x AS
SELECT mi, month_end_of(mi) AS month_end, month_end_of(mi - 1) + 1 AS month_start
FROM range(0, month_idx(data_date()) + 1) t(mi)
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DIM_DATE)
    con.execute(CALENDAR)
    con.execute(MONTHS)
