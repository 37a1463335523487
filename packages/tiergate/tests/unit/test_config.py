from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from tiergate.config import SecurityConfig, TiergateConfig, load_config, parse_member_config
from tiergate.errors import ConfigError
from tiergate.schemas import FOLDER, SCHEMAS, render


def _config(tmp_path: Path, text: str) -> TiergateConfig:
    (tmp_path / "pyproject.toml").write_text(text)
    return load_config(tmp_path)


def test_defaults_without_a_table(tmp_path: Path) -> None:
    assert _config(tmp_path, "[project]\nname = 'x'\n") == TiergateConfig()


def test_kebab_case_keys(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        "[tool.tiergate]\nrun-dir = 'out'\n"
        "[tool.tiergate.security]\nadvisory-db = 'db'\nonline-timeout = 3\n",
    )
    assert config.run_dir == "out"
    assert config.security == SecurityConfig(advisory_db="db", online_timeout=3.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[tool.tiergate]\nrun-dri = 'x'\n",
            "tool.tiergate.run-dri: Extra inputs are not permitted",
        ),
        (
            "[tool.tiergate.security]\nonline-timeout = 0\n",
            "tool.tiergate.security.online-timeout: Input should be greater than 0",
        ),
        ("[tool]\ntiergate = 3\n", "tool.tiergate must be a table, not 3"),
        (
            "[tool.tiergate.coverage]\ncombined = true\n",
            "tool.tiergate.coverage.combined: Input should be a valid number",
        ),
        (
            "[tool.tiergate.coverage]\ncombined = '75'\n",
            "tool.tiergate.coverage.combined: Input should be a valid number",
        ),
        (
            "[tool.tiergate.gaps]\nchurn-days = 4000\n",
            "tool.tiergate.gaps.churn-days: Input should be less than or equal to 3650",
        ),
        (
            "[tool.tiergate.tiers]\ne2e = { paths = ['tests/e2e'], pythons = ['3'] }\n",
            "tool.tiergate.tiers.e2e.pythons.0: String should match pattern '^3\\.\\d{1,2}$'",
        ),
        (
            "[tool.tiergate.tiers]\ne2e = { paths = ['tests/e2e'], pythons = [] }\n",
            (
                "tool.tiergate.tiers.e2e.pythons: "
                "Tuple should have at least 1 item after validation, not 0"
            ),
        ),
        (
            '[tool.tiergate]\nrun-dir = "a\\u0000b"\n',
            "tool.tiergate.run-dir: a path cannot hold a NUL byte",
        ),
    ],
)
@pytest.mark.req("NFR-001")
def test_invalid_values_name_the_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, text)
    assert str(caught.value) == f"{tmp_path / 'pyproject.toml'}:2: {message}"


def test_integer_percentages_are_numbers(tmp_path: Path) -> None:
    config = _config(tmp_path, "[tool.tiergate.coverage]\ncombined = 75\n")
    assert config.coverage.combined == 75.0


@pytest.mark.req("NFR-001")
def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, "[tool.tiergate]\nrun-dir = \n")
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}:2: invalid TOML")


def test_a_missing_pyproject_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@pytest.mark.req("NFR-002")
def test_published_schemas_are_current(name: str) -> None:
    assert (FOLDER / name).read_text() == render(name), "run: python -m tiergate.schemas"


@pytest.mark.req("NFR-002")
def test_this_repository_configuration_conforms_to_the_schema() -> None:
    root = Path(__file__).resolve().parents[4]
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["tiergate"]
    as_json = json.loads(json.dumps(table, default=date.isoformat))  # TOML dates: ISO strings
    jsonschema.validate(as_json, json.loads((FOLDER / "config.schema.json").read_text()))
    assert load_config(root) == TiergateConfig.model_validate(table)  # schema and model agree


def test_default_tier_is_the_configured_one_else_the_first(tmp_path: Path) -> None:
    assert TiergateConfig().fallback_tier == "unit"
    assert _config(tmp_path, "[tool.tiergate]\ndefault-tier = 'e2e'\n").fallback_tier == "e2e"
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, "[tool.tiergate]\ndefault-tier = 'smoke'\n")
    assert str(caught.value).endswith(
        "tool.tiergate.default-tier: unknown tier 'smoke' (tiers: unit, integration, e2e)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "tests = false\n",
            "tests-reason: required with tests = false (say why the member is not tested)",
        ),
        (
            "tests = false\ntests-reason = 'x'\ntested-by = 'api'\n",
            "tested-by: a member tested by another is tested: drop tests = false",
        ),
    ],
)
@pytest.mark.req("FR-091")
def test_a_member_that_is_not_tested_must_say_why_and_only_that(
    tmp_path: Path, text: str, message: str
) -> None:
    member = tmp_path / "pyproject.toml"
    member.write_text("[project]\nname = 'm'\n[tool.tiergate]\n" + text)
    with pytest.raises(ConfigError) as caught:
        parse_member_config(tomllib.loads(member.read_text()), member)
    line = 3 if message.startswith("tests-reason") else 6
    assert str(caught.value) == f"{member}:{line}: tool.tiergate.{message}"
    member.write_text("[project]\nname = 'm'\n[tool]\ntiergate = 1\n")
    with pytest.raises(ConfigError, match=r"tool\.tiergate must be a table"):
        parse_member_config(tomllib.loads(member.read_text()), member)
