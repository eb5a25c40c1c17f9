from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from asker.config import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_has_help_and_is_in_the_readme(name: str) -> None:
    field = Settings.model_fields[name]
    assert field.description, f"setting {name} has no description"
    assert f"`ASKER_{name.upper()}`" in README.read_text(encoding="utf-8"), (
        f"README.md does not document ASKER_{name.upper()}"
    )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKER_DATA_DIR", "/srv/asker")
    monkeypatch.setenv("ASKER_ROW_CAP", "100")
    settings = Settings()
    assert settings.data_dir == Path("/srv/asker")
    assert settings.row_cap == 100
    assert settings.warehouse_file == Path("/srv/asker/warehouse.duckdb")
    assert settings.resolved_app_db_url == "sqlite:////srv/asker/app.db"


def test_the_data_date_must_be_a_month_end() -> None:
    assert Settings(data_date=date(2026, 6, 30)).data_date == date(2026, 6, 30)
    with pytest.raises(ValidationError, match="month end"):
        Settings(data_date=date(2026, 6, 29))


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        Settings(query_timeout_s=0)
