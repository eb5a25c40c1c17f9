"""The directory's e-mail address comes with a sign-in (an LDAP attribute, an OIDC claim) and is
kept on the account, the one address ``asker worker`` mails; a sign-in without one keeps the
address already kept. It is not part of who the principal is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from asker.access import accounts
from asker.access.directory import DirectoryMapping
from asker.access.oidc import principal_from_claims
from asker.appstate.database import create_schema, engine_for
from asker.types import Principal

MAPPING = DirectoryMapping((("asker-branch", "branch_manager"),))
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = engine_for(f"sqlite:///{tmp_path / 'app.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


def test_a_sign_in_brings_the_directory_address_and_keeps_it(engine: Engine) -> None:
    claims = {
        "preferred_username": "wu.lei",
        "groups": ["asker-branch"],
        "departmentNumber": "B05",
        "email": "wu.lei@bank.example",
    }
    who = principal_from_claims(MAPPING, claims)
    assert who == Principal("wu.lei", "branch_manager", "B05", None, "wu.lei")
    accounts.keep_directory_account(engine, who, NOW)
    assert accounts.email_of(engine, "wu.lei") == "wu.lei@bank.example"
    without = principal_from_claims(MAPPING, {**claims, "email": ""})
    accounts.keep_directory_account(engine, without, NOW)
    assert accounts.email_of(engine, "wu.lei") == "wu.lei@bank.example"
    moved = principal_from_claims(MAPPING, {**claims, "mail": "lei.wu@bank.example"})
    accounts.keep_directory_account(engine, moved, NOW)
    assert accounts.email_of(engine, "wu.lei") == "lei.wu@bank.example"
