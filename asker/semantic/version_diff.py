"""The difference between two definitions of a metric: field by field, and as a YAML text diff.

>>> changes = field_changes({"name": "存款日均", "synonyms": ["日均"]},
...                         {"name": "存款日均", "synonyms": ["日均", "日均存款"]})
>>> [(c.field, c.before, c.after) for c in changes]
[('synonyms', '["日均"]', '["日均", "日均存款"]')]
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str  # JSON text; "" when the field is absent
    after: str


@dataclass(frozen=True)
class VersionDiff:
    before_label: str
    after_label: str
    changes: tuple[FieldChange, ...]
    text: str  # unified diff of the YAML


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested mappings become dotted fields; lists and scalars stay whole (as JSON)."""
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: json.dumps(value, ensure_ascii=False)}


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    old, new = _flat(before), _flat(after)
    order = [*old, *(k for k in new if k not in old)]
    return tuple(
        FieldChange(key, old.get(key, ""), new.get(key, ""))
        for key in order
        if old.get(key) != new.get(key)
    )


def _yaml(definition: Mapping[str, Any]) -> list[str]:
    text = yaml.safe_dump(dict(definition), allow_unicode=True, sort_keys=False, width=100)
    return text.splitlines(keepends=True)


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], before_label: str, after_label: str
) -> VersionDiff:
    text = "".join(
        difflib.unified_diff(_yaml(before), _yaml(after), before_label, after_label, n=2)
    )
    return VersionDiff(before_label, after_label, field_changes(before, after), text)
