"""Nothing raw at rest: a question carrying PII (written with separators, full-width digits,
zero-width characters, Chinese numerals, a customer's name and address as the warehouse holds
them) is stored redacted in ``conversation_turns`` and in the audit log. The secrets are read
from the warehouse directly; the stored text is read from the app database directly."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
from sqlalchemy import create_engine, text

from asker.config import Settings
from tests import callers
from tests.helpers import copy_data_dir


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def test_questions_are_stored_redacted(tiny_dir: Path, tmp_path: Path) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data")
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        name, id_no, mobile, address = con.execute(
            "SELECT cust_name, id_no, mobile, address FROM dim_customer "
            "WHERE cust_type = '个人' AND length(cust_name) >= 3 ORDER BY cust_id LIMIT 1"
        ).fetchone()
        card = con.execute("SELECT card_no FROM dim_account WHERE card_no IS NOT NULL LIMIT 1")
        (card_no,) = card.fetchone()
    spaced_id = " ".join(id_no[i : i + 4] for i in range(0, 18, 4))
    chinese_mobile = "".join("零一二三四五六七八九"[int(d)] for d in mobile)
    full_card = "".join(
        chr(0xFF10 + int(d)) if i % 2 else d + "\u200b" for i, d in enumerate(card_no)
    )
    questions = [
        f"{name}的存款余额",
        f"证件号 {spaced_id} 的客户",
        f"手机{chinese_mobile}是谁",
        f"卡号 {full_card} 的余额",
        f"住在{address}的客户",
    ]
    settings = Settings(data_dir=data)
    conversation = f"conv-{uuid.uuid4().hex}"
    for question in questions:
        callers.ask(settings, "zhang.wei", question, conversation=conversation)
    engine = create_engine(settings.resolved_app_db_url)
    with engine.connect() as con:
        turns = [
            r[0]
            for r in con.execute(
                text("SELECT question FROM conversation_turns WHERE conversation_id = :c"),
                {"c": conversation},
            )
        ]
        audit = ["\n".join(map(str, row)) for row in con.execute(text("SELECT * FROM audit_log"))]
    engine.dispose()
    assert len(turns) == len(questions)
    stored = "\n".join(turns + audit)
    for secret in (name, address, address[6:]):
        assert secret not in stored
    digits = _digits(stored)
    for number in (id_no[:17], mobile, card_no):
        assert _digits(number) not in digits, number
    assert "[姓名]" in turns[0] and "[证件号]" in turns[1] and "[手机号]" in turns[2]
    assert "[卡号]" in turns[3] and "[地址]" in turns[4]
