"""Getting SQL and JSON out of a model's reply: markdown fences, prose before and after.

>>> extract_sql("Here you go:\\n```sql\\nSELECT 1;\\n```\\nThis counts one.")
'SELECT 1'
>>> extract_sql("SELECT org_name FROM dim_org")
'SELECT org_name FROM dim_org'
>>> extract_json('好的：```json\\n{"action": "clarify"}\\n```')
{'action': 'clarify'}
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n(.*?)(?:```|$)", re.DOTALL)
_SQL_START = re.compile(r"(?is)\b(with|select|from)\b")


class NoSqlFound(ValueError):
    pass


def _fenced(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), m.group(2).strip()) for m in _FENCE.finditer(text)]


def extract_sql(text: str) -> str:
    """The one SQL statement in ``text``: the first ```sql block, else the first fenced block,
    else the text from its first WITH/SELECT/FROM keyword; a trailing semicolon is dropped."""
    blocks = _fenced(text)
    sql = next((body for lang, body in blocks if lang == "sql"), None)
    if sql is None and blocks:
        sql = blocks[0][1]
    if sql is None:
        start = _SQL_START.search(text)
        if start is None:
            raise NoSqlFound("the reply holds no SQL")
        sql = text[start.start() :]
    sql = sql.strip().rstrip(";").strip()
    if not sql:
        raise NoSqlFound("the reply holds an empty SQL block")
    return sql


def extract_json(text: str) -> Any:
    """The JSON object in ``text``: a fenced block, else the outermost ``{...}``."""
    for _, body in _fenced(text):
        if body.startswith("{"):
            return json.loads(body)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("the reply holds no JSON object")
    return json.loads(text[start : end + 1])
