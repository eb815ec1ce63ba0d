"""Imports point one way, by package: handlers -> core; core -> data (queries, not the ORM) and charts;
data and charts import neither; the composition root (bot/app) may import all. bench imports nothing from tests;
a test module imports no other test module (what tests share is in tests/support).

Inside the core: the figures' language (reading a question) never imports answering, updates or any other
capability; answering never imports updates; recommendations, digests and the conversation model don't reach
into the figures' internals except through the language and answering packages' public modules. Inside the
store: the figures store never imports chat infrastructure (ledger, outbox, committees), and chat
infrastructure never imports the figures' importers."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.support.imports import imported_names

ROOT = Path(__file__).resolve().parent.parent
CHAT_SDKS = ("slack_bolt", "slack_sdk", "microsoft_teams", "botbuilder", "microsoft_agents")
WEB_SERVERS = ("waitress", "flask", "starlette", "fastapi", "uvicorn", "aiohttp", "werkzeug", "gunicorn")
ORM_AND_SCHEMA = ("data.models", "data.db", "data.migrations")
ENVIRONMENT = ("dotenv",)


@dataclass(frozen=True)
class Rule:
    """Modules under `package` (but not under `except_under`) may not import any of `forbidden`."""

    package: str
    forbidden: tuple[str, ...]
    except_under: str | None = None


RULES = (
    Rule("data", ("bot", "handlers", "charts", "fakes", "tests", *CHAT_SDKS, *WEB_SERVERS)),
    Rule("charts", ("bot", "handlers", "data", "fakes", "tests", *CHAT_SDKS, *WEB_SERVERS)),
    Rule(
        "bot",
        ("bot.app", "handlers", "fakes", "tests", *CHAT_SDKS, *WEB_SERVERS, *ORM_AND_SCHEMA, *ENVIRONMENT),
        except_under="bot/app",
    ),
    Rule("handlers", ("bot.app", "data", "charts", "fakes", "tests", *ENVIRONMENT)),
    Rule("bench", ("tests",)),
    Rule("fakes", ("tests", "bot", "handlers", "data", "charts")),
    Rule(
        "bot/figures/language",
        ("bot.figures.answering", "bot.figures.updates", "bot.recommendations", "bot.digest", "bot.conversation"),
    ),
    Rule("bot/figures/answering", ("bot.figures.updates", "bot.recommendations", "bot.digest", "bot.conversation")),
    Rule("bot/conversation", ("bot.figures", "bot.recommendations", "bot.digest")),
    Rule("data/figures", ("data.chat", "data.recommendations")),
    Rule("data/chat", ("data.figures.importers", "data.recommendations")),
)


def reads_environment(path: Path) -> bool:
    """os.environ or os.getenv anywhere in the module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}:
            return True
    return False


def _matches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


def violations(root: Path) -> list[str]:
    found: list[str] = []
    for rule in RULES:
        for path in sorted((root / rule.package).rglob("*.py")):
            if path.name == "conftest.py":
                continue
            relative = path.relative_to(root).as_posix()
            if rule.except_under and relative.startswith(rule.except_under + "/"):
                continue
            for name in imported_names(path):
                found += [f"{relative} imports {name}" for bad in rule.forbidden if _matches(name, bad)]
            top = rule.package.split("/")[0]
            if top not in {"bench", "tests"} and reads_environment(path) and not relative.startswith("bot/app/"):
                found.append(f"{relative} reads the environment")
    return sorted(set(found))


def cross_test_imports(root: Path) -> list[str]:
    """Test modules that import another test module: what tests share lives in tests/support (or, for constants
    pytest's own fixtures need, tests/conftest.py), so a test module can move or go without breaking another."""
    shared = ("tests.support", "tests.conftest")
    found: list[str] = []
    for path in sorted((root / "tests").rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        relative = path.relative_to(root).as_posix()
        for name in imported_names(path):
            if name.startswith("tests.") and not any(_matches(name, allowed) for allowed in shared):
                found.append(f"{relative} imports {name}")
    return sorted(set(found))


def test_imports_point_one_way() -> None:
    assert violations(ROOT) == []


def _plant(root: Path, planted: dict[str, str]) -> None:
    for relative, source in planted.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(source, encoding="utf-8")


def test_no_test_module_imports_another() -> None:
    assert cross_test_imports(ROOT) == []


def test_a_planted_test_module_import_is_caught(tmp_path: Path) -> None:
    planted = {
        "tests/handlers/teams/test_teams_keys.py": "from tests.handlers.teams.test_teams import serve\n",
        "tests/figures/test_more.py": "import tests.figures.test_ask\nfrom tests.support.phrasings import PHRASINGS\n",
        "tests/support/harness.py": "from tests.digest import test_digest\nfrom tests.conftest import BACKENDS\n",
    }
    _plant(tmp_path, planted)
    assert cross_test_imports(tmp_path) == [
        "tests/figures/test_more.py imports tests.figures.test_ask",
        "tests/handlers/teams/test_teams_keys.py imports tests.handlers.teams.test_teams",
        "tests/handlers/teams/test_teams_keys.py imports tests.handlers.teams.test_teams.serve",
        "tests/support/harness.py imports tests.digest",
        "tests/support/harness.py imports tests.digest.test_digest",
    ]


def test_a_planted_violation_is_caught(tmp_path: Path) -> None:
    planted = {
        "bot/figures/answering/value.py": "from handlers.slack.blocks import card_blocks\n",
        "bot/conversation/flow.py": "import slack_sdk\nfrom data.models import Observation\n",
        "bot/figures/answering/wording.py": "import os\nTOKEN = os.environ['X']\n",
        "bot/figures/language/understanding.py": "from bot.figures.answering.charting import chart_for\n",
        "data/figures/queries.py": "from charts.specs import ChartSpec\nfrom data.chat import outbox\n",
        "bot/app/serve.py": "import waitress\nfrom handlers.slack.app import build_app\nimport os\nos.environ\n",
        "handlers/slack/app.py": "from data import queries\nfrom bot.app.settings import Settings\n",
        "charts/render.py": "from data.figures.periods import uk_date\n",
        "bench/slack.py": "from tests.handlers.slack.test_slack import SECRET\n",
    }
    _plant(tmp_path, planted)
    assert violations(tmp_path) == [
        "bench/slack.py imports tests.handlers.slack.test_slack",
        "bench/slack.py imports tests.handlers.slack.test_slack.SECRET",
        "bot/conversation/flow.py imports data.models",
        "bot/conversation/flow.py imports data.models.Observation",
        "bot/conversation/flow.py imports slack_sdk",
        "bot/figures/answering/value.py imports handlers.slack.blocks",
        "bot/figures/answering/value.py imports handlers.slack.blocks.card_blocks",
        "bot/figures/answering/wording.py reads the environment",
        "bot/figures/language/understanding.py imports bot.figures.answering.charting",
        "bot/figures/language/understanding.py imports bot.figures.answering.charting.chart_for",
        "charts/render.py imports data.figures.periods",
        "charts/render.py imports data.figures.periods.uk_date",
        "data/figures/queries.py imports charts.specs",
        "data/figures/queries.py imports charts.specs.ChartSpec",
        "data/figures/queries.py imports data.chat",
        "data/figures/queries.py imports data.chat.outbox",
        "handlers/slack/app.py imports bot.app.settings",
        "handlers/slack/app.py imports bot.app.settings.Settings",
        "handlers/slack/app.py imports data",
        "handlers/slack/app.py imports data.queries",
    ]
