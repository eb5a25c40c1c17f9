"""asker api's log lines carry no raw PII, whoever logged it (ARCHITECTURE §6, issue #17 item 4):
the JSON formatter passes the message and every text field through the one redactor."""

from __future__ import annotations

import json
import logging

from asker.http.logs import JsonFormatter

ID_NO, MOBILE = "11010119900307123X", "13812345678"


def test_a_log_line_is_redacted_and_stays_one_json_object() -> None:
    record = logging.LogRecord(
        "asker.test", logging.WARNING, __file__, 1, "question %s failed", (f"证件 {ID_NO}",), None
    )
    record.question = f"手机 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]} 的客户"
    record.status = 500
    line = json.loads(JsonFormatter().format(record))
    text = json.dumps(line, ensure_ascii=False)
    assert ID_NO not in text and ID_NO[:17] not in text
    assert MOBILE not in "".join(c for c in text if c.isdigit())
    assert "[证件号]" in line["message"] and "[手机号]" in line["question"]
    assert line["status"] == 500 and line["level"] == "warning"
