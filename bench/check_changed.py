"""Time ``invoke check`` after one file changed in a 20-member monorepo, against plain nox.

Usage: ``uv run python bench/check_changed.py [--jobs N]``.

A synthetic uv workspace of 20 members is written to a temporary folder, in a git
repository: a chain (``c0 <- c1 <- ... <- c9``, each depending on the one before)
and a fan (``h1`` .. ``h9`` each depending on ``h0``). Every member has real tests,
measured by coverage. One ``invoke check`` fills the result cache. Then:

1. one file of the leaf ``h5`` changes: ``invoke check`` (P2: at most 1.5 times
   ``nox -R`` of that member's own sessions, its tests and types), and which
   sessions ran;
2. ``nox -R --session tests-X.Y(package='h5') type-X.Y(package='h5')``: the plain way;
   then another file of ``h5`` changes and ``invoke check --no-fork`` runs (each
   session a new Python process rather than forked from a warm one);
3. one file of ``c0``, the root of the chain, changes: ``invoke check`` must run
   the sessions of exactly ``c0`` and its dependents ``c1`` .. ``c9`` (and the
   repository-wide lint and security (bandit), whose inputs are every member's
   source), and reuse every other, the dependency audit included (its inputs are
   the lock and the advisory data).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from synthetic import MEMBER, PYTHON, env, timed, write, write_root

P2_BOUND = 1.5
CHAIN = [f"c{n}" for n in range(10)]
FAN = [f"h{n}" for n in range(10)]
DEPENDS = {
    **{name: CHAIN[n - 1] for n, name in enumerate(CHAIN) if n},
    **dict.fromkeys(FAN[1:], "h0"),
}

SOURCE = '''"""Member {name}."""
{imports}

def value() -> int:
    """This member's value: one more than the member it depends on."""
    return {body}


def spin(rounds: int) -> int:
    """Busy work the tests measure."""
    total = 0
    for number in range(rounds):
        total = (total + number * number) % 1_000_003
    return total
'''

TEST = """from {name} import spin, value


def test_value() -> None:
    assert value() >= 1


def test_spin() -> None:
    assert spin(20_000) >= 0
"""

GITIGNORE = ".nox/\n.tiergate/\n.venv/\n__pycache__/\n"


def write_monorepo(root: Path) -> None:
    """The workspace: the chain and the fan, each member with its source and two tests."""
    write_root(root)
    write(root / ".gitignore", GITIGNORE)
    for name in (*CHAIN, *FAN):
        before = DEPENDS.get(name)
        member = root / "packages" / name
        write(
            member / "pyproject.toml",
            MEMBER.format(
                name=name,
                deps=f'"{before}"' if before else "",
                sources=f"{before} = {{ workspace = true }}" if before else "",
            ),
        )
        source = SOURCE.format(
            name=name,
            imports=f"\nimport {before}\n" if before else "",
            body=f"{before}.value() + 1" if before else "1",
        )
        write(member / "src" / name / "__init__.py", source)
        write(member / "src" / name / "py.typed", "")
        write(member / "tests" / "unit" / f"test_{name}.py", TEST.format(name=name))


def _git(root: Path, *args: str) -> None:
    identity = ("-c", "user.name=bench", "-c", "user.email=bench@tiergate.invalid")
    subprocess.run(["git", "-C", str(root), *identity, *args], check=True, capture_output=True)


def _change(root: Path, member: str) -> None:
    """Change one file of ``member`` (its source), and commit it."""
    source = root / "packages" / member / "src" / member / "__init__.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n\nCHANGED = True\n", "utf-8")
    _git(root, "commit", "--quiet", "--all", "-m", f"change {member}")


def _ran(output: str) -> set[str]:
    """The sessions the check announced it would run."""
    return set(re.findall(r"^run     (\S+):", output, re.MULTILINE))


def _member_sessions(members: list[str]) -> set[str]:
    return {f"{kind}-{PYTHON}(package='{name}')" for name in members for kind in ("tests", "type")}


def main() -> None:
    """Build the monorepo, fill the cache, change a leaf, then the chain's root; print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=0, help="invoke check --jobs (0: the cores)")
    parser.add_argument("--verbose", action="store_true", help="print the leaf check's output")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tiergate-bench-changed-"))
    invoke = [sys.executable, "-m", "invoke", "check", f"--jobs={options.jobs}"]
    try:
        root = folder / "mono"
        write_monorepo(root)
        subprocess.run(["uv", "lock", "--quiet"], cwd=root, env=env("lock"), check=True)
        _git(root, "init", "--quiet", "--initial-branch=main")
        _git(root, "add", "--all")
        _git(root, "commit", "--quiet", "-m", "monorepo")
        cold, cold_code, cold_out = timed(root, invoke, "cold")
        if cold_code != 0:
            print(cold_out[-4000:])

        _change(root, "h5")
        leaf, leaf_code, leaf_out = timed(root, invoke, "leaf")
        own = sorted(_member_sessions(["h5"]))
        nox = [sys.executable, "-m", "nox", "-R", "--session", *own]
        plain, plain_code, _ = timed(root, nox, "plain")
        _change(root, "h5")
        spawned, spawned_code, _ = timed(root, [*invoke, "--no-fork"], "no-fork")

        _change(root, "c0")
        chain, chain_code, chain_out = timed(root, invoke, "chain")
        if options.verbose:
            print(leaf_out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cores = len(os.sched_getaffinity(0))
    expected_leaf = _member_sessions(["h5"]) | {"lint", "security"}
    expected_chain = _member_sessions(CHAIN) | {"lint", "security"}
    print(f"20 members (a chain of 10, a fan of 10), {cores} cores")
    print(f"cold check, the cache filled:         {cold:6.1f} s (exit {cold_code})")
    print(f"one file of leaf h5 changed: check     {leaf:6.1f} s (exit {leaf_code})")
    print(f"  ran: {', '.join(sorted(_ran(leaf_out)))}")
    print(f"  exactly h5's sessions, lint and security: {_ran(leaf_out) == expected_leaf}")
    print(f"nox -R of h5's own sessions:          {plain:6.1f} s (exit {plain_code})")
    ratio = leaf / plain
    verdict = "ok" if ratio <= P2_BOUND else "NOT MET"
    print(f"P2 check / nox -R of the member: {ratio:.2f}x (bound {P2_BOUND}: {verdict})")
    print(f"the same check with --no-fork:        {spawned:6.1f} s (exit {spawned_code})")
    print(f"  {spawned / plain:.2f}x nox -R of the member")
    print(f"one file of the chain's root c0 changed: check {chain:6.1f} s (exit {chain_code})")
    ran = _ran(chain_out)
    print(f"  ran {len(ran)} sessions; exactly c0..c9, lint and security: {ran == expected_chain}")
    if ran != expected_chain:
        print(f"  unexpected: {sorted(ran ^ expected_chain)}")


if __name__ == "__main__":
    main()
