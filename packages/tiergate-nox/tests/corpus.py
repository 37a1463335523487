"""Monorepos laid out the way real teams lay them out, for the end-to-end layout corpus.

Each layout is what a team has *before* adopting tiergate: no noxfile, no
``tasks.py``, no ``[tool.tiergate]``, no pytest-tiergate. It is adopted the way
docs/adopt.md says: ``uv add --dev --editable`` of this checkout's three
packages, then ``tiergate init``; nothing else is edited for tiergate. The
offline advisory database (this machine reaches no advisory service) is given
by environment variable, not written in the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from monorepo_factory import ADVISORY_DB, PYTHON, REPO, Monorepo
from tiergate.runfolder import session_name, slugify

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from tiergate.runfolder import SessionKind

TIERGATE = tuple(
    str(REPO / "packages" / name) for name in ("tiergate-nox", "tiergate", "pytest-tiergate")
)
"""This checkout's packages, added to a monorepo's root ``dev`` group as docs/adopt.md says."""
DEFAULT_TIER = "<default-tier>"
"""Stands for the tier of tests in no tier's folder, whatever the configuration names."""

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Corpus",
    "GIT_AUTHOR_EMAIL": "corpus@example.com",
    "GIT_COMMITTER_NAME": "Corpus",
    "GIT_COMMITTER_EMAIL": "corpus@example.com",
}
_COLOUR = ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE")
_RUN_FOLDER = re.compile(r"^run folder: (?P<path>\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Failing:
    """One test of a layout, written failing first and then fixed."""

    path: str
    """The test file, relative to the workspace root."""
    test: str
    good: str
    """A fragment of the file as the team meant it ..."""
    bad: str
    """... and as the failing commit has it."""

    @property
    def test_id(self) -> str:
        """The test's id relative to the workspace root."""
        return f"{self.path}::{self.test}"


@dataclass(frozen=True)
class Layout:
    """A monorepo's files, its members (root included) and the tiers each one's tests are in."""

    files: Mapping[str, str]
    members: Mapping[str, tuple[str, ...]]
    """Project name -> the tiers of its tests (:data:`DEFAULT_TIER`: in no tier's folder)."""
    failing: Failing | None = None


@dataclass(frozen=True)
class Check:
    """What one ``python -m invoke check`` printed, and the run folder it left."""

    returncode: int
    output: str
    root: Path
    run_id: str

    @property
    def gates_output(self) -> str:
        """The gates step's output (its table, details and verdict)."""
        return self.output[self.output.rindex("=== gates:") :]

    @property
    def summary(self) -> str:
        """The table of steps and the one-line verdict at the end."""
        return self.output[self.output.rindex("tiergate check") :]

    @property
    def not_passed(self) -> frozenset[str]:
        """The sessions and steps the summary's verdict line names as not passed."""
        found = re.findall(r"^FAILED: (.*)$", self.summary, flags=re.MULTILINE)
        return frozenset(found[-1].split(", ")) if found else frozenset()

    def manifest(self, kind: SessionKind, package: str) -> dict[str, object] | None:
        """The manifest of ``<kind>-<python>(package=...)`` in this run (``None``: none)."""
        slug = slugify(session_name(kind, PYTHON, package))
        path = self.root / ".tiergate/runs" / self.run_id / "sessions" / slug / "manifest.json"
        if not path.is_file():
            return None
        manifest: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
        return manifest

    def tests_session(self, package: str) -> tuple[str, frozenset[str]] | None:
        """The outcome of the member's tests session and the tiers it ran (``None``: no run)."""
        manifest = self.manifest("tests", package)
        if manifest is None:
            return None
        tiers = manifest["tiers"]
        assert isinstance(tiers, dict)
        return str(manifest["outcome"]), frozenset(tiers)

    def tail(self) -> str:
        """The end of the output, for assertion messages."""
        folder = _RUN_FOLDER.search(self.output)
        return self.output[-6000:] + (f"\n(run folder {folder['path']})" if folder else "")


@dataclass
class Repo:
    """A layout written as a real git repository, locked, adopted with ``tiergate init``."""

    mono: Monorepo
    layout: Layout
    checks: list[Check] = field(default_factory=list)

    @property
    def root(self) -> Path:
        """The workspace root."""
        return self.mono.root

    def env(self) -> dict[str, str]:
        """The environment of every command: clean, offline audit, wide plain output."""
        env = self.mono.env(TIERGATE_ADVISORY_DB=str(ADVISORY_DB), COLUMNS="400", **_GIT_IDENTITY)
        for name in _COLOUR:
            env.pop(name, None)
        return env

    def git(self, *args: str) -> None:
        """Run git in the repository."""
        self.tool("git", *args)

    def lock(self) -> None:
        """``uv lock`` the workspace."""
        self.tool("uv", "lock", "--quiet")

    def tool(self, *command: str) -> None:
        """Run ``command`` here; a failure fails the test with the tool's own message."""
        done = subprocess.run(
            command, cwd=self.root, env=self.env(), capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{' '.join(command)}: {done.stdout}{done.stderr}"

    def write(self, relative: str, text: str) -> None:
        """Write one file of the repository, exactly ``text``."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def init(self) -> subprocess.CompletedProcess[str]:
        """``python -m tiergate init``; it must succeed."""
        done = self.mono.run("tiergate", "init", env=self.env())
        assert done.returncode == 0, f"tiergate init: {done.stdout}\n{done.stderr}"
        return done

    def check(self) -> Check:
        """``python -m invoke check`` with a run id of its own (``check-1``, ``check-2``...)."""
        run_id = f"check-{len(self.checks) + 1}"
        env = {**self.env(), "TIERGATE_RUN_ID": run_id}
        done = self.mono.run("invoke", "check", env=env)
        result = Check(done.returncode, done.stdout + done.stderr, self.root, run_id)
        self.checks.append(result)
        return result

    def fix(self) -> None:
        """Write the failing test as the team meant it."""
        failing = self.layout.failing
        assert failing is not None
        self.write(failing.path, self.layout.files[failing.path])


def adopt(root: Path, layout: Layout) -> Repo:
    """The team's repository (its failing test failing, locked, committed), then adopted.

    Adopted as docs/adopt.md says (``uv add --dev --editable``, ``tiergate init``),
    locked again and committed.
    """
    repo = Repo(Monorepo(root), layout)
    repo.write(".python-version", f"{PYTHON}\n")
    for relative, text in layout.files.items():
        repo.write(relative, text)
    if layout.failing is not None:
        failing = layout.failing
        text = layout.files[failing.path]
        assert failing.good in text, f"{failing.good!r} is not in {failing.path}"
        repo.write(failing.path, text.replace(failing.good, failing.bad))
    repo.lock()
    repo.git("init", "--quiet", "--initial-branch=main")
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "--message=The team's repository")
    repo.tool("uv", "add", "--dev", "--editable", "--no-sync", "--quiet", *TIERGATE)
    repo.init()
    repo.lock()
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "--message=Adopt tiergate")
    return repo


def _text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


_GITIGNORE = "__pycache__/\n*.egg-info/\n.venv/\ndist/\n"
_UV_BUILD = '[build-system]\nrequires = ["uv_build>=0.13.9,<0.14"]\nbuild-backend = "uv_build"\n'
_HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'


# ------------------------------------------------------------------ platform
def platform() -> Layout:
    """A virtual root with tests of its own, a src layout, a flat layout, a namespace package.

    - ``acme-platform`` (the root): ``[tool.uv] package = false``, its tests in
      ``tests/``, the root's pytest ``testpaths`` and ``addopts``;
    - ``alpha``: uv_build, ``src/alpha/``, tests in ``tests/unit`` and ``tests/integration``;
    - ``acme-beta``: uv_build ``module-name = "acme.beta"`` at the member root
      (``acme/`` has no ``__init__.py``), tests in ``test/``; the failing test;
    - ``gamma``: hatchling, flat ``gamma/`` with its version read from it, a flat
      ``tests/`` folder, a ``dev`` group and no ``test`` group.
    """
    files = {
        ".gitignore": _GITIGNORE,
        "README.md": "# acme platform\n\nPricing, shipping and product pages, released together.\n",
        "pyproject.toml": _text("""
            [project]
            name = "acme-platform"
            version = "0.1.0"
            description = "The acme shop, deployed as one."
            requires-python = ">=3.11"
            dependencies = ["alpha", "acme-beta", "gamma"]

            [dependency-groups]
            test = ["pytest>=8"]

            [tool.uv]
            package = false

            [tool.uv.workspace]
            members = ["packages/*"]

            [tool.uv.sources]
            alpha = { workspace = true }
            acme-beta = { workspace = true }
            gamma = { workspace = true }

            [tool.pytest.ini_options]
            testpaths = ["tests", "packages/*/tests"]
            addopts = ["-ra", "--strict-markers"]
            """),
        "tests/test_platform.py": _text("""
            from acme.beta.shipping import shipping_cents
            from alpha.pricing import with_tax
            from gamma import slug


            def test_product_page_order() -> None:
                total = with_tax(1000, 20) + shipping_cents(800)
                assert (slug("Tea Pot"), total) == ("tea-pot", 1788)
            """),
        "packages/alpha/pyproject.toml": _text("""
            [project]
            name = "alpha"
            version = "1.2.0"
            description = "Prices, taxes and discounts."
            requires-python = ">=3.11"
            dependencies = []

            [dependency-groups]
            test = ["pytest>=8"]

            """)
        + _UV_BUILD,
        "packages/alpha/src/alpha/__init__.py": '"""Prices, taxes and discounts, in cents."""\n',
        "packages/alpha/src/alpha/py.typed": "",
        "packages/alpha/src/alpha/pricing.py": _text('''
            """Prices in cents: tax and discounts, rounded half up to the cent."""


            def with_tax(cents: int, rate_percent: int) -> int:
                """The price with tax added."""
                return (cents * (100 + rate_percent) + 50) // 100


            def discounted(cents: int, percent: int) -> int:
                """The price less a discount of ``percent``."""
                if not 0 <= percent <= 100:
                    msg = f"discount must be 0 to 100 percent, not {percent}"
                    raise ValueError(msg)
                return (cents * (100 - percent) + 50) // 100
            '''),
        "packages/alpha/tests/unit/test_pricing.py": _text("""
            import pytest
            from alpha.pricing import discounted, with_tax


            def test_with_tax_rounds_half_up() -> None:
                assert with_tax(1005, 20) == 1206


            def test_discount_out_of_range() -> None:
                with pytest.raises(ValueError, match="0 to 100"):
                    discounted(1000, 120)
            """),
        "packages/alpha/tests/integration/test_checkout_totals.py": _text("""
            from alpha.pricing import discounted, with_tax


            def test_discount_then_tax() -> None:
                assert with_tax(discounted(2000, 10), 20) == 2160
            """),
        "packages/beta/pyproject.toml": _text("""
            [project]
            name = "acme-beta"
            version = "0.9.1"
            description = "Shipping rates."
            requires-python = ">=3.11"
            dependencies = ["alpha"]

            [dependency-groups]
            test = ["pytest>=8"]

            [tool.uv.sources]
            alpha = { workspace = true }

            [tool.uv.build-backend]
            module-name = "acme.beta"
            module-root = ""

            """)
        + _UV_BUILD,
        "packages/beta/acme/beta/__init__.py": '"""Shipping rates of the acme platform."""\n',
        "packages/beta/acme/beta/py.typed": "",
        "packages/beta/acme/beta/shipping.py": _text('''
            """What shipping costs, tax included."""

            import math

            from alpha.pricing import with_tax

            BASE_CENTS = 490
            PER_EXTRA_KG_CENTS = 150
            TAX_PERCENT = 20


            def shipping_cents(weight_grams: int) -> int:
                """The first kilogram costs the base rate, each started one after it more."""
                extra_kg = max(0, math.ceil((weight_grams - 1000) / 1000))
                return with_tax(BASE_CENTS + PER_EXTRA_KG_CENTS * extra_kg, TAX_PERCENT)
            '''),
        "packages/beta/test/test_shipping.py": _text("""
            from acme.beta.shipping import shipping_cents


            def test_first_kilogram_includes_tax() -> None:
                assert shipping_cents(500) == 588


            def test_each_started_kilogram_costs_more() -> None:
                assert shipping_cents(2500) == 948
            """),
        "packages/gamma/pyproject.toml": _text("""
            [project]
            name = "gamma"
            dynamic = ["version"]
            description = "URL slugs for product pages."
            requires-python = ">=3.11"
            dependencies = []

            [dependency-groups]
            dev = ["pytest>=8", "ruff>=0.6"]

            [tool.hatch.version]
            path = "gamma/__init__.py"

            """)
        + _HATCHLING,
        "packages/gamma/gamma/__init__.py": _text(r'''
            """URL slugs for product pages."""

            import re
            import unicodedata

            __version__ = "0.4.0"

            _NOT_WORD = re.compile(r"[^a-z0-9]+")


            def slug(title: str) -> str:
                """The title in lower-case ASCII, its words joined by hyphens."""
                ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore")
                return _NOT_WORD.sub("-", ascii_title.decode().lower()).strip("-")
            '''),
        "packages/gamma/gamma/py.typed": "",
        "packages/gamma/tests/test_slug.py": _text("""
            import gamma
            from gamma import slug


            def test_accents_and_punctuation() -> None:
                assert slug("Crème brûlée, 2 pcs!") == "creme-brulee-2-pcs"


            def test_version_comes_from_the_package() -> None:
                assert gamma.__version__ == "0.4.0"
            """),
    }
    return Layout(
        files,
        members={
            "acme-platform": (DEFAULT_TIER,),
            "alpha": ("unit", "integration"),
            "acme-beta": (DEFAULT_TIER,),
            "gamma": (DEFAULT_TIER,),
        },
        failing=Failing(
            "packages/beta/test/test_shipping.py",
            "test_first_kilogram_includes_tax",
            good="shipping_cents(500) == 588",
            bad="shipping_cents(500) == 490",
        ),
    )


# ---------------------------------------------------------------------- shop
def shop() -> Layout:
    """Backends' own package lists, a test-time cycle, the team's strict mypy and pytest setups.

    The root is no project: ``libs/*`` members, ``[tool.mypy] strict`` with
    ``exclude = ["tests"]`` (the tests are not annotated) and a pytest
    configuration that ``shop-ledger`` replaces by its own.

    - ``shop-ledger``: hatchling ``packages = ["ledger"]`` (not the project's
      name), its own ``[tool.pytest.ini_options]``, a flat ``tests/`` whose
      tests use ``shop-orders`` (a test-only dependency: orders depends on the
      ledger); the failing test;
    - ``shop-money``: setuptools ``package-dir`` into ``lib/``, its version read
      by setuptools from ``money.__version__``, tests as ``*_test.py`` beside the code;
    - ``shop-orders``: uv_build ``module-name = "orders"`` in ``src/``, tests in
      ``tests/unit`` and ``tests/integration``.
    """
    files = {
        ".gitignore": _GITIGNORE,
        "pyproject.toml": _text("""
            [tool.uv.workspace]
            members = ["libs/*"]

            [tool.ruff]
            line-length = 100

            [tool.mypy]
            strict = true
            exclude = ["tests"]

            [tool.pytest.ini_options]
            addopts = "-ra"
            xfail_strict = true
            """),
        "libs/ledger/pyproject.toml": _text("""
            [project]
            name = "shop-ledger"
            version = "3.0.2"
            description = "The shop's double-entry journal."
            requires-python = ">=3.11"
            dependencies = []

            [dependency-groups]
            test = ["pytest>=8", "shop-orders"]

            [tool.uv.sources]
            shop-orders = { workspace = true }

            [tool.hatch.build.targets.wheel]
            packages = ["ledger"]

            [tool.pytest.ini_options]
            testpaths = ["tests"]
            addopts = "--strict-markers"
            markers = ["slow: takes more than a second"]

            """)
        + _HATCHLING,
        "libs/ledger/ledger/__init__.py": _text('''
            """A double-entry journal: every posting moves cents between two accounts."""

            from ledger.journal import Journal

            __all__ = ["Journal"]
            '''),
        "libs/ledger/ledger/py.typed": "",
        "libs/ledger/ledger/journal.py": _text('''
            """The journal and its balances."""

            from collections import defaultdict


            class Journal:
                """Postings between accounts; every balance is derived from them."""

                def __init__(self) -> None:
                    self._balances: defaultdict[str, int] = defaultdict(int)

                def post(self, debit: str, credit: str, cents: int) -> None:
                    """Move ``cents`` from ``credit`` to ``debit``."""
                    if cents <= 0:
                        msg = f"a posting moves a positive amount, not {cents}"
                        raise ValueError(msg)
                    self._balances[debit] += cents
                    self._balances[credit] -= cents

                def balance(self, account: str) -> int:
                    """The balance of ``account`` (0 if it never moved)."""
                    return self._balances.get(account, 0)
            '''),
        "libs/ledger/tests/test_journal.py": _text("""
            import pytest
            from ledger import Journal


            def test_posting_moves_cents():
                journal = Journal()
                journal.post("cash", "sales", 1200)
                assert (journal.balance("cash"), journal.balance("sales")) == (1200, -1200)


            def test_balance_after_refund():
                journal = Journal()
                journal.post("cash", "sales", 1200)
                journal.post("sales", "cash", 200)
                assert journal.balance("cash") == 1000


            def test_nothing_to_post():
                with pytest.raises(ValueError, match="positive"):
                    Journal().post("cash", "sales", 0)
            """),
        "libs/ledger/tests/test_order_postings.py": _text("""
            from ledger import Journal
            from orders.checkout import Order, checkout


            def test_checkout_posts_the_total_as_owed():
                journal = Journal()
                checkout(Order(("tea", "pot"), 2599), journal)
                assert journal.balance("receivables") == 2599
            """),
        "libs/money/pyproject.toml": _text("""
            [project]
            name = "shop-money"
            dynamic = ["version"]
            description = "Amounts of money: formatting and fair splits."
            requires-python = ">=3.11"

            [dependency-groups]
            test = ["pytest>=8"]

            [tool.setuptools]
            package-dir = { "" = "lib" }
            packages = ["money"]

            [tool.setuptools.dynamic]
            version = { attr = "money.__version__" }

            [build-system]
            requires = ["setuptools>=68"]
            build-backend = "setuptools.build_meta"
            """),
        "libs/money/lib/money/__init__.py": _text('''
            """Amounts of money in cents: formatting and fair splits."""

            __version__ = "2.1.0"
            '''),
        "libs/money/lib/money/py.typed": "",
        "libs/money/lib/money/amount.py": _text('''
            """Format amounts and split them without losing a cent."""


            def format_cents(cents: int) -> str:
                """``123456`` is ``1,234.56``; a negative amount keeps its sign."""
                sign = "-" if cents < 0 else ""
                units, rest = divmod(abs(cents), 100)
                return f"{sign}{units:,}.{rest:02d}"


            def split(cents: int, parts: int) -> list[int]:
                """``cents`` in ``parts`` shares that differ by one cent at most."""
                if parts < 1:
                    msg = f"cannot split into {parts} parts"
                    raise ValueError(msg)
                share, left = divmod(cents, parts)
                return [share + 1 if n < left else share for n in range(parts)]
            '''),
        "libs/money/lib/money/amount_test.py": _text("""
            from money.amount import format_cents, split


            def test_format_cents() -> None:
                assert (format_cents(123456), format_cents(-5)) == ("1,234.56", "-0.05")


            def test_split_keeps_every_cent() -> None:
                assert split(1000, 3) == [334, 333, 333]
            """),
        "libs/orders/pyproject.toml": _text("""
            [project]
            name = "shop-orders"
            version = "0.3.0"
            description = "Orders: receipts, checkout and what it posts."
            requires-python = ">=3.11"
            dependencies = ["shop-ledger", "shop-money"]

            [dependency-groups]
            test = ["pytest>=8"]

            [tool.uv.sources]
            shop-ledger = { workspace = true }
            shop-money = { workspace = true }

            [tool.uv.build-backend]
            module-name = "orders"

            """)
        + _UV_BUILD,
        "libs/orders/src/orders/__init__.py": '"""Orders of the shop."""\n',
        "libs/orders/src/orders/py.typed": "",
        "libs/orders/src/orders/checkout.py": _text('''
            """Checkout: an order's total is owed by the customer until it is paid."""

            from dataclasses import dataclass

            from ledger import Journal
            from money.amount import format_cents


            @dataclass(frozen=True)
            class Order:
                """The items ordered and what they cost together, in cents."""

                items: tuple[str, ...]
                total_cents: int

                def receipt(self) -> str:
                    """One line: how many items, and the total."""
                    return f"{len(self.items)} item(s): {format_cents(self.total_cents)}"


            def checkout(order: Order, journal: Journal) -> str:
                """Post the order's total as owed by the customer; return the receipt line."""
                journal.post("receivables", "sales", order.total_cents)
                return order.receipt()
            '''),
        "libs/orders/tests/unit/test_receipt.py": _text("""
            from orders.checkout import Order


            def test_receipt_line():
                assert Order(("tea", "pot"), 2599).receipt() == "2 item(s): 25.99"
            """),
        "libs/orders/tests/integration/test_checkout.py": _text("""
            from ledger import Journal
            from orders.checkout import Order, checkout


            def test_checkout_owes_the_total():
                journal = Journal()
                receipt = checkout(Order(("tea",), 123456), journal)
                assert (receipt, journal.balance("sales")) == ("1 item(s): 1,234.56", -123456)
            """),
    }
    return Layout(
        files,
        members={
            "shop-ledger": (DEFAULT_TIER,),
            "shop-money": (DEFAULT_TIER,),
            "shop-orders": ("unit", "integration"),
        },
        failing=Failing(
            "libs/ledger/tests/test_journal.py",
            "test_balance_after_refund",
            good='journal.balance("cash") == 1000',
            bad='journal.balance("cash") == 1400',
        ),
    )


# ------------------------------------------------------------------ untested
UNTESTED_REASON = "generated from openapi.yaml; the API team's contract tests cover it"


def untested() -> Layout:
    """``core`` (tested) uses ``schemas``, generated code with no tests at all."""
    files = {
        ".gitignore": _GITIGNORE,
        "pyproject.toml": _text("""
            [tool.uv.workspace]
            members = ["packages/*"]

            """),
        "packages/core/pyproject.toml": _text("""
            [project]
            name = "core"
            version = "1.0.0"
            requires-python = ">=3.11"
            dependencies = ["schemas"]

            [dependency-groups]
            test = ["pytest>=8"]

            [tool.uv.sources]
            schemas = { workspace = true }

            """)
        + _UV_BUILD,
        "packages/core/src/core/__init__.py": _text('''
            """The catalogue's logic."""

            from schemas.models import Product


            def cheapest(products: list[Product]) -> Product:
                """The product with the lowest price (the first of equals)."""
                return min(products, key=lambda product: product["price_cents"])
            '''),
        "packages/core/src/core/py.typed": "",
        "packages/core/tests/test_core.py": _text("""
            from core import cheapest
            from schemas.models import Product


            def test_cheapest() -> None:
                products: list[Product] = [
                    {"sku": "pot", "name": "Tea pot", "price_cents": 2599},
                    {"sku": "tea", "name": "Green tea", "price_cents": 450},
                ]
                assert cheapest(products)["sku"] == "tea"
            """),
        "packages/schemas/pyproject.toml": _text("""
            [project]
            name = "schemas"
            version = "2026.11.0"
            requires-python = ">=3.11"
            dependencies = []

            """)
        + _UV_BUILD,
        "packages/schemas/openapi.yaml": _text("""
            openapi: 3.1.0
            info: {title: catalogue, version: 2026.11.0}
            paths: {}
            """),
        "packages/schemas/src/schemas/__init__.py": '"""Models of the public API."""\n',
        "packages/schemas/src/schemas/py.typed": "",
        "packages/schemas/src/schemas/models.py": _text('''
            # Generated from openapi.yaml by the API team's codegen: do not edit.
            """Request and response models of the public API."""

            from typing import TypedDict


            class Product(TypedDict):
                """A product as the API returns it."""

                sku: str
                name: str
                price_cents: int
            '''),
    }
    return Layout(files, members={"core": (DEFAULT_TIER,)})


def declare_untested(repo: Repo) -> None:
    """Say in ``schemas``' ``pyproject.toml`` that it is not tested, and why."""
    pyproject = repo.root / "packages/schemas/pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    lines = f'tests = false\ntests-reason = "{UNTESTED_REASON}"\n'
    if "\n[tool.tiergate]\n" in text:  # tiergate init may have opened the table already
        text = text.replace("\n[tool.tiergate]\n", f"\n[tool.tiergate]\n{lines}", 1)
    else:
        text = f"{text.rstrip()}\n\n[tool.tiergate]\n{lines}"
    repo.write("packages/schemas/pyproject.toml", text)
