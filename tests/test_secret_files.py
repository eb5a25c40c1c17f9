"""Secrets from files (``ASKER_<NAME>_FILE``), and secrets kept out of reprs, error messages and
logs: an app database URL whose password is in a file, pointing at a port nothing listens on,
fails with the URL shown masked, in the command line's output, the exception and the logs."""

from __future__ import annotations

import logging
import socket
import traceback
from pathlib import Path

import pytest

from asker import api
from asker.config import SECRET_SETTINGS, SecretFileError, Settings
from asker.errors import ConfigError
from tests.helpers import asker

PASSWORD = "S3cret-pw-4711"


def closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])


def secret_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secret"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("name", SECRET_SETTINGS)
def test_a_secret_setting_is_read_from_its_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(f"ASKER_{name.upper()}", raising=False)
    path = secret_file(tmp_path, f"{PASSWORD}\n")  # the newline a text editor adds is dropped
    monkeypatch.setenv(f"ASKER_{name.upper()}_FILE", str(path))
    settings = Settings()
    assert getattr(settings, name) == PASSWORD
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)


def test_a_secret_given_twice_or_an_unreadable_file_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKER_LLM_API_KEY", PASSWORD)
    monkeypatch.setenv("ASKER_LLM_API_KEY_FILE", str(secret_file(tmp_path, PASSWORD)))
    with pytest.raises(SecretFileError) as twice:
        Settings()
    assert twice.value.code == "SECRET_GIVEN_TWICE" and PASSWORD not in str(twice.value)

    monkeypatch.delenv("ASKER_LLM_API_KEY")
    missing = tmp_path / "no-such-secret"
    monkeypatch.setenv("ASKER_LLM_API_KEY_FILE", str(missing))
    done = asker("upgrade", "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "SECRET_FILE_UNREADABLE" in done.stderr and str(missing) in done.stderr
    assert "ASKER_LLM_API_KEY_FILE" in done.stderr


def test_a_connection_error_never_shows_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql+psycopg://asker:{PASSWORD}@127.0.0.1:{closed_port()}/asker"
    env = {"ASKER_APP_DB_URL_FILE": str(secret_file(tmp_path, url + "\n"))}
    for command in (
        ["upgrade", "--data-dir", str(tmp_path)],
        ["audit", "verify", "--data-dir", str(tmp_path)],
        ["ask", "存款余额", "--data-dir", str(tmp_path), "--user", "zhang.wei"],
        ["upgrade", "--data-dir", str(tmp_path), "--format", "json"],
    ):
        done = asker(*command, env=env)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "APP_DB_UNAVAILABLE" in done.stdout + done.stderr
        assert PASSWORD not in done.stdout + done.stderr
        assert "asker:***@127.0.0.1" in done.stdout + done.stderr

    monkeypatch.setenv("ASKER_APP_DB_URL_FILE", env["ASKER_APP_DB_URL_FILE"])
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as refused:
        api.open_runtime(Settings(data_dir=tmp_path))
    shown = "".join(traceback.format_exception(refused.value))
    assert refused.value.code == "APP_DB_UNAVAILABLE"
    assert "OperationalError" in refused.value.message("en")
    for text in (shown, refused.value.message("zh"), refused.value.message("en"), caplog.text):
        assert PASSWORD not in text


def test_an_unparsable_url_is_not_quoted(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://asker:{PASSWORD}@127.0.0.1:5432:99/asker"
    with pytest.raises(ConfigError) as refused:
        api.open_runtime(Settings(data_dir=tmp_path, app_db_url=url))
    shown = "".join(traceback.format_exception(refused.value))
    assert refused.value.code == "APP_DB_UNAVAILABLE" and PASSWORD not in shown
    assert "postgresql+psycopg://…" in refused.value.message("zh")
