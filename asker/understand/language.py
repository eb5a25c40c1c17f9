"""The question's language: Chinese when it has Chinese characters, else English.

>>> detect_language("上个月各分行的存款余额")
'zh'
>>> detect_language("NPL ratio by branch last quarter")
'en'
>>> detect_language("NPL率 by branch")
'zh'
"""

from __future__ import annotations

import re

from asker.types import Language

CJK = re.compile(r"[\u4e00-\u9fff]")


def detect_language(text: str) -> Language:
    return "zh" if CJK.search(text) else "en"
