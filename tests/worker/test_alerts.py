"""Threshold alerts across data dates: the data date moves (the data dir's manifest, as a load
would move it), the alert is evaluated once per date as its owner, and notifies once on breach
and once on recovery. Expected values come from hand-written SQL over the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from asker import api, worker
from asker.appstate import alerts
from asker.config import Settings
from asker.errors import UserFacingError
from tests.worker.conftest import MailSink, move_data_date

DATES = ("2026-01-31", "2026-02-28", "2026-03-31")
# 成都分行 (B05, li.na's scope): 不良贷款率 at each month end, by hand
NPL_SQL = """
SELECT f.month_end,
       SUM(CASE WHEN f.five_class IN ('次级', '可疑', '损失') THEN f.balance ELSE 0 END)
       / SUM(f.balance)
FROM fact_loan_balance_monthly f JOIN dim_org o ON o.org_id = f.org_id
WHERE (o.branch_id = 'B05' OR o.org_id = 'B05')
  AND f.month_end IN (DATE '2026-01-31', DATE '2026-02-28', DATE '2026-03-31')
GROUP BY f.month_end ORDER BY f.month_end
"""
LINE = 0.02


def test_an_alert_fires_once_on_breach_and_once_on_recovery(data_dir: Path, smtp: MailSink) -> None:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        npl = [float(v) for _, v in con.sql(NPL_SQL).fetchall()]
    over = [v > LINE for v in npl]
    assert over == [True, True, False], npl  # the demo bank's shape this test relies on
    settings = Settings(data_dir=data_dir, smtp_host="127.0.0.1", smtp_port=smtp.port)
    move_data_date(data_dir, DATES[0])
    rt = worker.open_worker_runtime(settings)
    li = api.local_user(rt, "li.na")
    made = api.add_alert(rt, li, "不良贷款率", comparison=">", threshold=LINE)
    mails_after = []
    try:
        for day in DATES:
            move_data_date(data_dir, day)
            rt = worker.open_worker_runtime(settings, rt)
            assert rt.data_date.isoformat() == day
            worker.run_once(rt)
            worker.run_once(rt)  # a second run on the same data date finds nothing new
            mails_after.append(len(smtp.to("li.na@bank.example")))
        state = alerts.get(rt.app_db, made.id)
    finally:
        rt.close()
    assert mails_after == [1, 1, 2]
    breach, recovery = smtp.to("li.na@bank.example")
    assert DATES[0] in breach["Subject"] and f"{npl[0] * 100:.2f}%" in breach["Subject"]
    assert "recovered" in recovery["Subject"] and DATES[2] in recovery["Subject"]
    assert f"{npl[2] * 100:.2f}%" in recovery["Subject"]
    assert (state.state, state.evaluated_date) == ("normal", DATES[2])


def test_an_alert_needs_a_question_with_one_number(data_dir: Path) -> None:
    rt = api.open_runtime(Settings(data_dir=data_dir))
    try:
        li = api.local_user(rt, "li.na")
        with pytest.raises(UserFacingError) as table:
            api.add_alert(rt, li, "各支行存款余额", comparison=">", threshold=1)
        assert table.value.code == "ALERT_NOT_A_NUMBER"
        with pytest.raises(UserFacingError) as sign:
            api.add_alert(rt, li, "不良贷款率", comparison="=>", threshold=0.02)
        assert sign.value.code == "COMPARISON_INVALID"
        made = api.add_alert(rt, li, "不良贷款率", comparison=">=", threshold=0.02)
        assert made.metric == "npl_ratio"
        assert [a.id for a in api.alerts(rt, li)] == [made.id]
        api.remove_alert(rt, li, made.id)
        assert api.alerts(rt, li) == ()
    finally:
        rt.close()
