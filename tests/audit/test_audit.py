"""The audit log: concurrent writers keep one unbroken chain; every kind of tampering is named by
its record; an append that cannot be written raises AUDIT_UNAVAILABLE and changes nothing; PII
and result rows never reach it.

Every test runs on a real SQLite file and on PostgreSQL (the server tests/postgres.py starts, or
ASKER_TEST_PG_URL) (a schema
of its own per test).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import sys
import threading
import types
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, delete, event, select, update

from asker.appstate.database import engine_for, metadata
from asker.audit.anchor import advance_anchor, anchor_lock, read_anchor
from asker.audit.chain import ChainHead, canonical_json, chain_mac
from asker.audit.log import (
    AuditLog,
    AuditRecord,
    AuditReport,
    anchor_path,
    audit_table,
    hash_result,
    load_or_create_key,
    redact_pii,
)
from asker.errors import ConfigError, InternalError
from asker.types import MetricQuery, QueryResult

BACKENDS = ["sqlite", "postgresql"]  # PostgreSQL: the session's own server (tests/postgres.py)
WRITERS, PER_WRITER = 8, 200


# --- where the log lives ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An app database a test (or a spawned writer process) can open by value."""

    url: str
    schema: str | None = None  # PostgreSQL: the test's own schema


def make_engine(target: Target) -> Engine:
    if target.schema is None:
        return engine_for(target.url)
    options = {"options": f"-csearch_path={target.schema}"}
    return create_engine(target.url, connect_args=options, pool_pre_ping=True)


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "sqlite":
        yield Target(f"sqlite:///{tmp_path / 'app.db'}")
        return
    pg_url = os.environ.get("ASKER_TEST_PG_URL") or request.getfixturevalue("pg_url")
    schema = f"audit_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield Target(pg_url, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(target: Target) -> Iterator[Engine]:
    engine = make_engine(target)
    metadata.create_all(engine, tables=[audit_table])
    yield engine
    engine.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def log(engine: Engine, data_dir: Path) -> AuditLog:
    return AuditLog(engine, load_or_create_key(data_dir), anchor_path(data_dir))


def a_record(writer: int = 0, number: int = 0, **changes: Any) -> AuditRecord:
    values: dict[str, Any] = {
        "user_id": f"user{writer}",
        "role": "hq_analyst",
        "org_id": "HQ",
        "action": "ask",
        "question": f"上个月各分行的存款余额 #{number}",
        "plan": MetricQuery(metrics=("deposit_balance",), dimensions=("branch",)),
        "generated_sql": "SELECT org_id, SUM(balance) FROM fact_deposit_balance_daily GROUP BY 1",
        "tables": ("fact_deposit_balance_daily",),
        "columns": ("fact_deposit_balance_daily.balance",),
        "row_count": 10,
    }
    return AuditRecord(**(values | changes))


def fill(log: AuditLog, count: int) -> None:
    for number in range(count):
        log.append(a_record(number=number))


def append_many(log: AuditLog, writer: int, count: int) -> int:
    for number in range(count):
        log.append(a_record(writer, number))
    return count


def write_records(target: Target, data_dir: str, writer: int, threads: int, count: int) -> int:
    """One writer process: ``threads`` threads append ``count`` records each."""
    engine = make_engine(target)
    log = AuditLog(engine, load_or_create_key(Path(data_dir)), anchor_path(Path(data_dir)))

    with ThreadPoolExecutor(threads) as pool:
        written = sum(
            pool.map(
                append_many,
                [log] * threads,
                range(writer * threads, (writer + 1) * threads),
                [count] * threads,
            )
        )
    engine.dispose()
    return written


# --- tampering, as someone with write access to the database would do it ----------------


def edit_question(engine: Engine, seq: int, question: str) -> None:
    with engine.begin() as conn:
        body = json.loads(conn.scalar(select(audit_table.c.record).where(audit_table.c.seq == seq)))
        body["record"]["question"] = question
        stmt = update(audit_table).where(audit_table.c.seq == seq)
        conn.execute(stmt.values(record=canonical_json(body)))


def delete_records(engine: Engine, *seqs: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(audit_table).where(audit_table.c.seq.in_(seqs)))


def swap_seqs(engine: Engine, a: int, b: int) -> None:
    with engine.begin() as conn:
        for old, new in ((a, -a), (b, a), (-a, b)):
            stmt = update(audit_table).where(audit_table.c.seq == old)
            conn.execute(stmt.values(seq=new))


def rechain(engine: Engine, key: bytes) -> None:
    """Recompute every mac with ``key``: a consistent chain, but not one made with asker's key."""
    with engine.begin() as conn:
        rows = conn.execute(select(audit_table).order_by(audit_table.c.seq)).all()
        prev = "0" * 64
        for row in rows:
            mac = chain_mac(key, prev, row.seq, row.record)
            stmt = update(audit_table).where(audit_table.c.seq == row.seq)
            conn.execute(stmt.values(prev_mac=prev, mac=mac))
            prev = mac


def stored_bodies(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(audit_table.c.record).order_by(audit_table.c.seq)))


# --- concurrent writers -------------------------------------------------------------------


def test_eight_threads_append_one_unbroken_chain(log: AuditLog, engine: Engine) -> None:
    def run(writer: int) -> list[int]:
        return [log.append(a_record(writer, n)) for n in range(PER_WRITER)]

    with ThreadPoolExecutor(WRITERS) as pool:
        seqs = [seq for batch in pool.map(run, range(WRITERS)) for seq in batch]

    assert sorted(seqs) == list(range(1, WRITERS * PER_WRITER + 1))
    report = log.verify()
    assert (report.ok, report.count, report.problems) == (True, WRITERS * PER_WRITER, ())


def test_processes_and_threads_together_append_one_unbroken_chain(
    target: Target, engine: Engine, data_dir: Path, log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """8 writers: 2 spawned processes of 2 threads each, and 4 threads of this process."""
    # A spawned child first re-runs the parent's __main__; after an AppTest run in this worker
    # that is the chat page (Streamlit installs the script as __main__), which fails there.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    processes, threads, here = 2, 2, 4
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(processes, mp_context=context) as pool,
        ThreadPoolExecutor(here) as local,
    ):
        jobs = [
            pool.submit(write_records, target, str(data_dir), p, threads, PER_WRITER)
            for p in range(processes)
        ]
        jobs += [local.submit(append_many, log, 100 + w, PER_WRITER) for w in range(here)]
        written = sum(job.result() for job in jobs)

    report = log.verify()
    assert written == WRITERS * PER_WRITER
    assert (report.ok, report.count, report.problems) == (True, written, ())
    assert read_anchor(anchor_path(data_dir)) == ChainHead(written, _last_mac(engine))


def test_the_database_lock_alone_serializes_writers(engine: Engine, tmp_path: Path) -> None:
    """Two hosts on one database, each with its own data dir (anchor and queue files)."""
    dirs = [tmp_path / "host-a", tmp_path / "host-b"]
    for path in dirs:
        path.mkdir()
    key = load_or_create_key(dirs[0])
    logs = [AuditLog(engine, key, anchor_path(path)) for path in dirs]
    for log in logs:  # setting up a host anchors the chain it joins
        log.reanchor()
    with ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(append_many, logs[w % 2], w, 25) for w in range(8)]
        assert sum(job.result() for job in jobs) == 200
    assert logs[0].verify() == logs[1].verify() == AuditReport(True, 200, ())


def test_verify_while_others_append_sees_a_whole_chain(log: AuditLog) -> None:
    with ThreadPoolExecutor(2) as pool:
        writers = [pool.submit(append_many, log, w, 100) for w in range(2)]
        reports = [log.verify() for _ in range(10)]
        assert sum(job.result() for job in writers) == 200
    assert all(report.ok for report in reports), [r.problems for r in reports if not r.ok]
    assert log.verify() == AuditReport(True, 200, ())


def _last_mac(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.scalar(select(audit_table.c.mac).order_by(audit_table.c.seq.desc())))


# --- tampering is named by record -----------------------------------------------------------


def test_an_intact_log_and_an_empty_one_verify(log: AuditLog) -> None:
    assert log.verify() == AuditReport(ok=True, count=0, problems=())
    fill(log, 5)
    assert log.verify().ok and log.verify().count == 5


def test_an_edited_record_is_named(log: AuditLog, engine: Engine) -> None:
    fill(log, 20)
    edit_question(engine, 7, "无害的问题")
    report = log.verify()
    assert (report.ok, report.count) == (False, 20)
    assert report.problems == ("第 7 条记录被修改 record 7 was edited",)


def test_an_edited_search_column_is_named(log: AuditLog, engine: Engine) -> None:
    fill(log, 5)
    with engine.begin() as conn:
        stmt = update(audit_table).where(audit_table.c.seq == 3)
        conn.execute(stmt.values(user_id="someone.else"))
    assert log.verify().problems == ("第 3 条记录被修改 record 3 was edited",)


def test_consecutive_edits_are_reported_as_one_range(log: AuditLog, engine: Engine) -> None:
    fill(log, 10)
    for seq in (4, 5, 6):
        edit_question(engine, seq, "x")
    assert log.verify().problems == ("第 4–6 条记录被修改 records 4–6 were edited",)


def test_deleted_records_are_named(log: AuditLog, engine: Engine) -> None:
    fill(log, 20)
    delete_records(engine, 1, 7, 12, 13)
    report = log.verify()
    assert report.count == 16
    assert report.problems == (
        "第 1 条记录被删除 record 1 was deleted",
        "第 7 条记录被删除 record 7 was deleted",
        "第 12–13 条记录被删除 records 12–13 were deleted",
    )


def test_reordered_records_are_named(log: AuditLog, engine: Engine) -> None:
    fill(log, 20)
    swap_seqs(engine, 5, 6)
    assert log.verify().problems == (
        "第 6 条记录被移到第 5 位（顺序被调换） record 6 was moved to position 5 (reordered)",
        "第 5 条记录被移到第 6 位（顺序被调换） record 5 was moved to position 6 (reordered)",
    )


def test_renumbering_after_a_deletion_is_named(log: AuditLog, engine: Engine) -> None:
    fill(log, 6)
    delete_records(engine, 3)
    for seq in (4, 5, 6):  # close the gap
        with engine.begin() as conn:
            stmt = update(audit_table).where(audit_table.c.seq == seq)
            conn.execute(stmt.values(seq=seq - 1))
    problems = log.verify().problems
    assert problems[0] == (
        "第 4–6 条记录被移到第 3–5 位（顺序被调换） records 4–6 were moved to positions 3–5 "
        "(reordered)"
    )
    assert "外部锚点记录到第 6 条" in problems[1] and "record 6 is missing" in problems[1]


def test_a_cut_off_tail_is_caught_by_the_anchor(log: AuditLog, engine: Engine) -> None:
    fill(log, 20)
    delete_records(engine, 18, 19, 20)
    report = log.verify()
    assert report.count == 17
    assert report.problems == (
        "日志末尾被截断：外部锚点记录到第 20 条，第 18–20 条记录缺失 "
        "the log's tail was cut off: the external anchor records record 20; "
        "records 18–20 are missing",
    )


def test_a_chain_recomputed_with_another_key_is_a_key_mismatch(
    log: AuditLog, engine: Engine
) -> None:
    fill(log, 20)
    edit_question(engine, 7, "无害的问题")
    rechain(engine, b"attacker's key, 32 bytes long!!!")
    problems = log.verify().problems
    assert problems[0].startswith("审计密钥与日志不匹配：全部 20 条记录的校验码都不符")
    assert "the audit key does not match the log: all 20 records fail their MAC" in problems[0]
    assert problems[1:] == (
        "第 20 条记录与外部锚点不符 record 20 does not match the external anchor",
    )


def test_the_wrong_key_file_is_a_key_mismatch(
    log: AuditLog, engine: Engine, data_dir: Path
) -> None:
    fill(log, 3)
    other = AuditLog(engine, b"k" * 32, anchor_path(data_dir))
    problems = other.verify().problems
    assert len(problems) == 1 and "the audit key does not match" in problems[0]


def test_a_damaged_or_lost_anchor_is_reported_and_stops_appends(
    log: AuditLog, data_dir: Path
) -> None:
    fill(log, 3)
    path = anchor_path(data_dir)
    path.write_text("not json", encoding="utf-8")
    assert "is unreadable" in log.verify().problems[0]
    path.unlink()
    assert "is missing" in log.verify().problems[0]
    with pytest.raises(InternalError) as raised:  # fail closed: the evidence is kept
        log.append(a_record())
    assert (raised.value.code, raised.value.params["error_class"]) == (
        "AUDIT_UNAVAILABLE",
        "AnchorMissing",
    )
    assert log.verify().count == 3
    assert log.reanchor().seq == 3  # the administrator accepts the log as it is
    assert log.verify() == AuditReport(True, 3, ())
    assert log.append(a_record()) == 4 and log.verify().ok


def test_a_new_chain_is_anchored_before_its_first_record(log: AuditLog, data_dir: Path) -> None:
    assert log.verify() == AuditReport(True, 0, ())
    log.append(a_record())
    assert read_anchor(anchor_path(data_dir)).seq == 1  # type: ignore[union-attr]


def test_the_anchor_never_moves_backwards(data_dir: Path) -> None:
    path = anchor_path(data_dir)
    for seq, mac in ((5, "a"), (3, "b"), (5, "d")):
        with anchor_lock(path):
            advance_anchor(path, ChainHead(seq, mac * 64))
    assert read_anchor(path) == ChainHead(5, "a" * 64)
    with anchor_lock(path):
        advance_anchor(path, ChainHead(6, "c" * 64))
    assert read_anchor(path) == ChainHead(6, "c" * 64)


# --- fail closed ----------------------------------------------------------------------------


def test_an_unreachable_database_raises_audit_unavailable(
    log: AuditLog, data_dir: Path, tmp_path: Path
) -> None:
    fill(log, 3)
    gone = engine_for(f"sqlite:///{tmp_path / 'no such dir' / 'app.db'}")
    broken = AuditLog(gone, load_or_create_key(data_dir), anchor_path(data_dir))
    with pytest.raises(InternalError) as raised:
        broken.append(a_record(question="客户 13812345678"))
    assert raised.value.code == "AUDIT_UNAVAILABLE"
    assert "13812345678" not in str(raised.value) and "[手机号]" not in str(raised.value)
    assert "答案不予显示" in raised.value.message("zh")
    assert log.verify() == AuditReport(ok=True, count=3, problems=())


def test_a_full_disk_on_insert_changes_nothing(log: AuditLog, engine: Engine) -> None:
    fill(log, 3)
    before = stored_bodies(engine)

    def disk_full(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            raise OSError(28, "No space left on device")

    event.listen(engine, "before_cursor_execute", disk_full)
    with pytest.raises(InternalError) as raised:
        log.append(a_record())
    assert (raised.value.code, raised.value.params) == (
        "AUDIT_UNAVAILABLE",
        {"error_class": "OSError"},
    )
    event.remove(engine, "before_cursor_execute", disk_full)
    assert stored_bodies(engine) == before
    assert log.verify().ok
    assert log.append(a_record()) == 4 and log.verify().count == 4


def test_an_unwritable_anchor_raises_audit_unavailable(engine: Engine, data_dir: Path) -> None:
    log = AuditLog(engine, load_or_create_key(data_dir), data_dir / "missing" / "audit.anchor")
    with pytest.raises(InternalError) as raised:
        log.append(a_record())
    assert raised.value.code == "AUDIT_UNAVAILABLE"
    assert stored_bodies(engine) == []  # the lock comes first: nothing was written


# --- the key ----------------------------------------------------------------------------------


def test_the_key_is_created_once_readable_by_its_owner_only(data_dir: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: load_or_create_key(data_dir), range(8)))
    assert len(keys) == 1 and len(keys.pop()) == 32
    path = data_dir / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == ["audit.key"]  # no temp files left


def test_a_bad_key_file_is_refused(data_dir: Path, tmp_path: Path) -> None:
    load_or_create_key(data_dir)
    path = data_dir / "audit.key"
    path.chmod(0o644)
    with pytest.raises(ConfigError) as raised:
        load_or_create_key(data_dir)
    assert raised.value.code == "AUDIT_KEY_INVALID"
    path.chmod(0o600)
    path.write_text("too short\n", encoding="ascii")
    with pytest.raises(ConfigError, match="AUDIT_KEY_INVALID"):
        load_or_create_key(data_dir)
    with pytest.raises(ConfigError, match="DATA_DIR_MISSING"):
        load_or_create_key(tmp_path / "nowhere")


# --- what a record may hold -----------------------------------------------------------------

REDACTION_GOLDEN = [
    ("我的身份证号是110101199003071234，查一下存款", "我的身份证号是[证件号]，查一下存款"),
    ("ID 11010119900307123X and 11010119900307123x", "ID [证件号] and [证件号]"),
    ("证件 110101 19900307 1234 的客户", "证件 [证件号] 的客户"),
    ("手机13812345678的客户", "手机[手机号]的客户"),
    ("call +86 138-1234-5678 or 86 139 1234 5678", "call [手机号] or [手机号]"),
    ("手机号１３８１２３４５６７８", "手机号[手机号]"),
    ("卡号 6222021234567890123 的流水", "卡号 [卡号] 的流水"),
    ("card 6222 0212 3456 7890", "card [卡号]"),
    ("卡 6222-0212-3456-7890-12", "卡 [卡号]"),
    ("16-digit 6222021234567890 and 17 62220212345678901", "16-digit [卡号] and 17 [卡号]"),
    # the old 15-digit ID: 6-digit region, YYMMDD birth date, 3-digit sequence
    ("旧证 110101900307123 的客户", "旧证 [证件号] 的客户"),
    ("旧证 110101 900307 123", "旧证 [证件号]"),
    # a count next to a number is not part of it: groups longer than 8 digits are whole numbers
    ("共 20 13812345678", "共 20 [手机号]"),
    # not PII: numbers of other lengths, amounts, dates, ids, masked values
    (
        "存款大于 500000 元，2026-09-30，客户 C000123",
        "存款大于 500000 元，2026-09-30，客户 C000123",
    ),
    ("12345678901 is not a mobile (starts 12)", "12345678901 is not a mobile (starts 12)"),
    ("138****5678 与 622202******0123", "138****5678 与 622202******0123"),
    ("20 digits 62220212345678901234", "20 digits 62220212345678901234"),
    ("123456789012345 (15 digits)", "123456789012345 (15 digits)"),
]


@pytest.mark.parametrize(("text", "expected"), REDACTION_GOLDEN)
def test_redaction_golden(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


PII = st.one_of(
    st.from_regex(
        r"[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{3}[0-9X]",
        fullmatch=True,
    ),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{15,18}", fullmatch=True),
)
TEXT = st.text(alphabet="存款余额是多少的客户 abc，。:", max_size=8)


@given(before=TEXT, pii=PII, after=TEXT)
def test_no_pii_number_survives_redaction(before: str, pii: str, after: str) -> None:
    redacted = redact_pii(before + pii + after)
    assert pii not in redacted and redacted.startswith(before) and redacted.endswith(after)


def test_a_record_is_redacted_everywhere_text_can_carry_pii(log: AuditLog, engine: Engine) -> None:
    record = a_record(
        question="客户 13812345678 的余额",
        generated_sql="SELECT 1 FROM dim_customer WHERE mobile = '13812345678'",
        plan={"filters": [{"dimension": "card", "values": ["6222021234567890123"]}]},
    )
    assert record.flags == ("pii_redacted",)
    log.append(record)
    (body,) = stored_bodies(engine)
    assert "13812345678" not in body and "6222021234567890123" not in body
    assert "[手机号]" in body and "[卡号]" in body


def test_no_record_stores_result_rows(log: AuditLog, engine: Engine) -> None:
    result = QueryResult(
        columns=("org_name", "deposit_balance"),
        rows=(("成都分行", Decimal("987654321.12")), ("重庆分行", Decimal("123456789.34"))),
    )
    log.append(a_record(row_count=result.row_count, result_hash=hash_result(result)))
    (body,) = stored_bodies(engine)
    assert "987654321" not in body and "成都分行" not in body
    stored = json.loads(body)["record"]
    assert stored["result_hash"] == hash_result(result) and stored["row_count"] == 2
    assert {f.name for f in fields(AuditRecord)}.isdisjoint({"rows", "result", "values", "data"})
    with pytest.raises(ValueError, match="sha256"):
        a_record(result_hash="成都分行 987654321.12")


def test_the_record_stores_plan_and_names(log: AuditLog, engine: Engine) -> None:
    log.append(a_record(filters=("机构范围：成都分行及其支行",), masks=("dim_customer.mobile",)))
    stored = json.loads(stored_bodies(engine)[0])
    assert stored["seq"] == 1 and stored["record"]["plan"]["metrics"] == ["deposit_balance"]
    assert stored["record"]["masks"] == ["dim_customer.mobile"]


def test_a_failed_login_with_a_huge_user_name_is_still_recorded(log: AuditLog) -> None:
    record = a_record(
        user_id="x" * 500, action="login", decision="refused", codes=("LOGIN_FAILED",)
    )
    assert len(record.user_id) == 64
    assert log.append(record) == 1 and log.verify().ok


def test_search_finds_a_users_records_newest_first(log: AuditLog) -> None:
    for writer in (1, 2, 1):
        log.append(a_record(writer))
    found = log.search(user_id="user1")
    assert [entry.seq for entry in found] == [3, 1]
    assert found[0].record["user_id"] == "user1" and found[0].created_at.tzinfo is not None


def test_two_log_objects_on_one_database_share_one_chain(engine: Engine, data_dir: Path) -> None:
    """Two AuditLog objects on one database (as two requests would make) share one chain."""
    logs = [AuditLog(engine, load_or_create_key(data_dir), anchor_path(data_dir)) for _ in "ab"]
    threads = [threading.Thread(target=fill, args=(log, 25)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert logs[0].verify() == logs[1].verify() == AuditReport(True, 50, ())
