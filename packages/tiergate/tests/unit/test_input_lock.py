"""The locked environment of a session, read from uv.lock's own structure."""

from __future__ import annotations

import pytest

from tiergate.inputs.hashing import value_digest
from tiergate.inputs.lock import Lock, LockProblem

REGISTRY = {"registry": "https://pypi.org/simple"}


def _package(name: str, version: str, **tables: object) -> dict[str, object]:
    return {"name": name, "version": version, "source": REGISTRY, **tables}


LOCK = {
    "version": 1,
    "package": [
        _package(
            "app-server",
            "1.0",
            source={"editable": "packages/app"},
            dependencies=[{"name": "web", "extra": ["tls"]}],
            **{"dev-dependencies": {"test": [{"name": "pytest"}], "docs": [{"name": "sphinx"}]}},
        ),
        _package(
            "web",
            "2.0",
            dependencies=[{"name": "h11"}],
            **{
                "optional-dependencies": {"tls": [{"name": "cryptography"}], "zip": [{"name": "z"}]}
            },
        ),
        _package("h11", "0.14.0"),
        _package("cryptography", "43.0.0", dependencies=[{"name": "cffi", "version": "1.17.1"}]),
        _package("cffi", "1.16.0"),
        _package("cffi", "1.17.1"),
        _package("pytest", "8.3.3"),
        _package("sphinx", "8.0.0"),
        _package("z", "1.0"),
        _package("vendored", "0.1", source={"directory": "vendor/lib"}),
    ],
}


@pytest.mark.req("FR-193")
def test_the_environment_follows_dependencies_extras_and_the_chosen_group() -> None:
    env = Lock(LOCK).member_environment("App_Server", ["Test"])

    assert sorted(env.digests) == ["app-server", "cffi", "cryptography", "h11", "pytest", "web"]
    assert env.versions["cffi"] == "1.17.1"  # the version the dependency names, not both
    assert env.digests["h11"] == value_digest([_package("h11", "0.14.0")])
    assert env.local == ("packages/app",)


@pytest.mark.req("FR-193")
def test_the_root_groups_of_a_workspace_without_a_project_come_from_the_manifest() -> None:
    lock = {**LOCK, "manifest": {"dependency-groups": {"docs": [{"name": "sphinx"}]}}}
    env = Lock(lock).group_environment(None, "docs")
    assert sorted(env.digests) == ["sphinx"]
    assert Lock(lock).version("cffi") == "1.16.0|1.17.1"
    assert Lock(lock).version("absent") is None


@pytest.mark.req("FR-197")
def test_what_the_lock_cannot_say_is_a_problem_naming_it() -> None:
    with pytest.raises(LockProblem) as missing:
        Lock(LOCK).member_environment("other", [])
    assert missing.value.reason == "uv.lock holds no entry for other: run `uv lock`"
    broken = {
        "package": [_package("a", "1", source={"virtual": "."}, dependencies=[{"name": "b"}])]
    }
    with pytest.raises(LockProblem) as unknown:
        Lock(broken).member_environment("a", [])
    assert unknown.value.reason == "uv.lock names b but holds no entry for it"
