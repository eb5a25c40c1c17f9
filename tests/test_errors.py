from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from asker.errors import AccessDenied, AskerError, Clarification, ConfigError, InvalidSql
from asker.messages import MESSAGES

README = Path(__file__).resolve().parent.parent / "README.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_speaks_both_languages_with_the_same_parameters(code: str) -> None:
    zh, en = MESSAGES[code]
    assert CJK.search(zh), f"{code}: the Chinese message has no Chinese"
    assert not CJK.search(en), f"{code}: the English message has Chinese in it"
    fields = {f for t in (zh, en) for _, f, _, _ in string.Formatter().parse(t) if f}
    zh_fields = {f for _, f, _, _ in string.Formatter().parse(zh) if f}
    en_fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
    assert zh_fields == en_fields == fields, f"{code}: {zh_fields} vs {en_fields}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_is_documented_in_the_readme(code: str) -> None:
    assert f"`{code}`" in README.read_text(encoding="utf-8"), f"README.md does not list {code}"


def test_message_renders_parameters_and_problem_lists() -> None:
    error = ConfigError("CATALOG_INVALID", source="x.yaml", problems=("a: bad", "b: worse"))
    zh = error.message("zh")
    assert "x.yaml" in zh and "2 个问题" in zh and "  - a: bad\n  - b: worse" in zh
    assert "2 problem(s)" in error.message("en")


def test_status_and_exit_codes_follow_the_contract() -> None:
    assert (InvalidSql("INVALID_SQL", detail="x").status, InvalidSql.exit_code) == ("refused", 3)
    assert issubclass(AccessDenied, AskerError)
    assert (Clarification.status, Clarification.exit_code) == ("clarify", 0)
    assert (ConfigError.status, ConfigError.exit_code) == ("error", 1)


def test_unregistered_codes_are_a_bug_not_a_message() -> None:
    with pytest.raises(KeyError):
        InvalidSql("NO_SUCH_CODE")


def test_no_class_is_named_permission_error() -> None:
    from asker import errors

    assert not hasattr(errors, "PermissionError") or errors.PermissionError is PermissionError
