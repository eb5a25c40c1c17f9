"""The glossary and the reviewed question->SQL examples shipped with asker (YAML, validated at
the edge). Examples reviewed later (the feedback queue) are passed in by the caller as the same
``Example`` value.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asker.errors import ConfigError


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    term_en: str
    meaning: str
    meaning_en: str = ""
    metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A reviewed question and the SQL that answers it; ``tables`` are the tables it reads."""

    id: str
    question: str
    sql: str
    tables: tuple[str, ...]


class _TermFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    term: str = Field(min_length=1)
    term_en: str = ""
    meaning: str = Field(min_length=1)
    meaning_en: str = ""
    metrics: list[str] = []


class _ExampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    question: str = Field(min_length=1)
    sql: str = Field(min_length=1)
    tables: list[str] = Field(min_length=1)


def _read(name: str) -> Any:
    text = resources.files("asker.retrieval").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_glossary() -> tuple[GlossaryTerm, ...]:
    try:
        items = [_TermFile.model_validate(x) for x in _read("glossary.yaml")["terms"]]
    except (ValidationError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(
            "DICTIONARY_INVALID", source="glossary.yaml", problems=(str(exc),)
        ) from exc
    return tuple(
        GlossaryTerm(t.term, t.term_en, t.meaning, t.meaning_en, tuple(t.metrics)) for t in items
    )


def load_examples() -> tuple[Example, ...]:
    try:
        items = [_ExampleFile.model_validate(x) for x in _read("examples.yaml")["examples"]]
    except (ValidationError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(
            "DICTIONARY_INVALID", source="examples.yaml", problems=(str(exc),)
        ) from exc
    return tuple(Example(e.id, e.question, e.sql, tuple(e.tables)) for e in items)


def load_expansions() -> tuple[tuple[str, str], ...]:
    """(everyday word, the bank's words for it): added to a question before searching."""
    try:
        raw = _read("expansions.yaml")["expansions"]
        pairs = tuple((str(k).lower(), str(v)) for k, v in dict(raw).items())
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(
            "DICTIONARY_INVALID", source="expansions.yaml", problems=(str(exc),)
        ) from exc
    return pairs
