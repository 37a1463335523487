"""The coverage configuration a tests session gives pytest-cov: the user's, plus an omit list.

pytest-cov has no option for ``omit``; coverage.py takes it from the
configuration file only. For a member that keeps tests beside its source, the
session writes the configuration coverage.py would have read with those tests
added to ``[run] omit`` after the user's own entries, into its folder
(``coverage-config.toml``, or ``.ini`` for an INI file), and gives it as
``--cov-config``: a copy in the file's own format, of its coverage sections
only, values as written (coverage.py still expands ``$VARIABLES``).
"""

from __future__ import annotations

import configparser
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiergate.config import read_toml
from tiergate.errors import ConfigError, first_line
from tiergate.files import write_whole
from tiergate.reading import read_text

if TYPE_CHECKING:
    from collections.abc import Sequence

_COVERAGE_SECTION = "coverage:"
"""The prefix of coverage.py's sections in an INI file it shares (``setup.cfg``, ``tox.ini``)."""


def coverage_config(omit: Sequence[str], folder: Path) -> Path:
    """The configuration coverage.py reads here with ``omit`` added, written into ``folder``.

    The file is found by coverage.py's own search from the current folder;
    written in its own format (TOML; INI for ``.coveragerc``, ``setup.cfg``,
    ``tox.ini``), its values as written. ``omit`` (paths, taken literally: a
    ``$`` is no variable) follows the file's own ``[run] omit`` entries.
    """
    import tomlkit  # noqa: PLC0415 - only a member with tests beside its source needs it

    found, own = _coverage_file()
    added = [entry.replace("$", "$$") for entry in omit]
    if found is not None and found.suffix != ".toml":
        target, text = folder / "coverage-config.ini", _ini_with_omit(found, own=own, added=added)
    else:
        data = {} if found is None else read_toml(found, "coverage configuration")
        target = folder / "coverage-config.toml"
        text = tomlkit.dumps(_toml_with_omit(data, own=found is None or own, added=added))
    write_whole(target, text, "coverage configuration", ConfigError)
    return target


def _quiet(message: str) -> None:
    """Drop a warning of coverage.py's: the tests' run shows its own."""
    del message


def _coverage_file() -> tuple[Path | None, bool]:
    """The file coverage.py reads its configuration from here, and whether it is its own.

    Its own file (``.coveragerc``, ``.coveragerc.toml``, ``$COVERAGE_RCFILE``)
    may hold sections without the ``coverage:`` / ``tool.coverage.`` prefix.
    """
    from coverage.config import (  # noqa: PLC0415 - as tomlkit above
        config_files_to_try,
        read_coverage_config,
    )

    try:
        used = read_coverage_config(config_file=True, warn=_quiet).config_file
    except Exception as error:  # noqa: BLE001 - coverage.py's ConfigError or a parser's error
        raise ConfigError(f"coverage configuration: {first_line(error)}") from None
    if used is None:
        return None, True
    own = (
        our
        for name, our, _ in config_files_to_try(config_file=True)
        if Path(name).absolute() == Path(used)
    )
    return Path(used), next(own, True)


def _toml_with_omit(data: dict[str, Any], *, own: bool, added: list[str]) -> dict[str, Any]:
    """The coverage tables of ``data`` with ``added`` at the end of the ``[run]`` table's omit."""
    tables = dict(data.get("tool", {}).get("coverage", {}))
    tool = {**data.get("tool", {}), "coverage": tables} if own else {"coverage": tables}
    kept = {**data, "tool": tool} if own else {"tool": tool}
    if "run" in tables or not (own and isinstance(kept.get("run"), dict)):
        run_table = tables["run"] = dict(tables.get("run", {}))
    else:
        run_table = kept["run"] = dict(kept["run"])
    written = run_table.get("omit", [])
    if isinstance(written, list):  # anything else is coverage.py's to refuse, as written
        run_table["omit"] = [*written, *added]
    return kept


def _ini_with_omit(found: Path, *, own: bool, added: list[str]) -> str:
    """The coverage sections of the INI file ``found`` with ``added`` at the end of run's omit."""
    parser = configparser.ConfigParser(interpolation=None)  # as coverage.py read it already
    parser.read_string(read_text(found, "coverage configuration", ConfigError), str(found))
    for name in parser.sections():
        if not own and not name.startswith(_COVERAGE_SECTION):
            parser.remove_section(name)
    names = (f"{_COVERAGE_SECTION}run", "run")
    section = next((name for name in names if parser.has_section(name)), names[0])
    if not parser.has_section(section):
        parser.add_section(section)
    written = parser.get(section, "omit", fallback="").strip()
    parser.set(section, "omit", "\n".join([*([written] if written else []), *added]))
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()
