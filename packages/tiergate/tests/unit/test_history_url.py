"""Store URLs: where the store is, and a password that never shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.config import HistoryConfig, parse_config
from tiergate.errors import ConfigError, ExitCode, HistoryError
from tiergate.history.connect import store_exists
from tiergate.history.url import HISTORY_URL_ENV, parse_url, redact, resolve_url

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://ci:s3cret@db.example:5432/tiergate",
            "postgresql://ci:***@db.example:5432/tiergate",
        ),
        ("postgres://ci:p@ss/w0rd@db/tiergate", "postgres://ci:***@db/tiergate"),
        (
            "postgresql://ci@db/tiergate?password=s3cret&sslmode=require",
            "postgresql://ci@db/tiergate?password=***&sslmode=require",
        ),
        ("postgresql://ci@db/tiergate", "postgresql://ci@db/tiergate"),
        ("postgresql://db:5432/tiergate", "postgresql://db:5432/tiergate"),
        ("host=db password='s3 cret' dbname=x", "host=db password=*** dbname=x"),
        ("sqlite:///.tiergate/history.db", "sqlite:///.tiergate/history.db"),
    ],
)
@pytest.mark.req("FR-063")
def test_redact_hides_the_password_and_nothing_else(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert "s3" not in redact(url)


def test_scrub_removes_the_password_from_a_driver_message(tmp_path: Path) -> None:
    url = parse_url("postgresql://ci:s%40cret@db/tiergate", tmp_path)
    message = 'invalid URI: "postgresql://ci:s%40cret@db/tiergate"; auth for "s@cret" failed'
    scrubbed = url.scrub(message)
    assert scrubbed == 'invalid URI: "postgresql://ci:***@db/tiergate"; auth for "***" failed'
    assert str(url) == "postgresql://ci:***@db/tiergate"
    assert "cret" not in repr(url)


def test_sqlite_paths_are_relative_to_the_root_or_absolute(tmp_path: Path) -> None:
    relative = parse_url("sqlite:///.tiergate/h.db", tmp_path)
    assert (relative.dialect, relative.path) == ("sqlite", tmp_path / ".tiergate/h.db")
    absolute = parse_url(f"sqlite:///{tmp_path}/abs.db", tmp_path / "elsewhere")
    assert absolute.path == tmp_path / "abs.db"
    assert parse_url("postgres://db/x", tmp_path).dialect == "postgresql"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:s3cret@db/x",
        "sqlite://relative.db",
        "sqlite:///",
        "sqlite:///h.db?mode=ro",
        "nonsense",
        "postgresql://root:s3cret@db/x\nDROP TABLE runs",
        "sqlite:///h.db\0",
    ],
)
@pytest.mark.req("FR-063")
def test_a_bad_url_is_an_input_error_that_hides_the_password(url: str, tmp_path: Path) -> None:
    with pytest.raises(HistoryError) as caught:
        parse_url(url, tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_environment_overrides_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = HistoryConfig(url="sqlite:///configured.db")
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    assert resolve_url(tmp_path, HistoryConfig()).path == tmp_path / ".tiergate/history.db"
    assert resolve_url(tmp_path, configured).path == tmp_path / "configured.db"
    monkeypatch.setenv(HISTORY_URL_ENV, "postgresql://ci:s3cret@db/x")
    assert resolve_url(tmp_path, configured).redacted == "postgresql://ci:***@db/x"
    monkeypatch.setenv(HISTORY_URL_ENV, "  ")
    assert resolve_url(tmp_path, configured).path == tmp_path / "configured.db"


def test_the_configured_url_is_checked_on_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"tool\.tiergate\.history\.url: String should match"):
        parse_config({"history": {"url": "mysql://db/x"}}, tmp_path / "pyproject.toml")


def test_a_store_path_that_cannot_name_a_file_is_one_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "history.db").write_text("", encoding="utf-8")
    url = parse_url("sqlite:///history.db/inner.db", tmp_path)  # a part of it is a file
    with pytest.raises(HistoryError) as caught:
        store_exists(url)
    assert "not a usable history store" in str(caught.value)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert not store_exists(parse_url("sqlite:///never.db", tmp_path))


@pytest.mark.req("FR-063")
def test_a_password_parameter_inside_the_user_information_is_masked_once() -> None:
    shown = redact("postgresql://u:s3cret?password=s3cret@db/tiergate")
    assert shown.startswith("postgresql://u:***")
    assert "s3cret" not in shown
    assert shown.count("***") == 1
