"""Every UI string has one key: a second definition of a key would silently replace the first."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from ui.text import TEXT

SOURCE = Path(__file__).resolve().parents[2] / "ui" / "text.py"


def test_no_ui_string_key_is_defined_twice() -> None:
    keys = Counter(
        key.value
        for node in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    )
    assert [key for key, n in keys.items() if n > 1] == []


def test_every_ui_string_has_chinese_and_english() -> None:
    assert all(zh.strip() and en.strip() for zh, en in TEXT.values())
