"""`briefbot refresh`: DfE's updated national files re-imported from a folder or from URLs (served here on
loopback by http.server, never the internet), saying per file what is new, revised and unchanged; a revision
keeps the previous value in history."""

from __future__ import annotations

import csv
import functools
import gzip
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.app.commands import refresh as refresh_cli
from bot.app.settings import Settings
from data.models import ObservationRevision
from tests.support.cli import FakeApp
from tests.support.national import (
    _lait_subset,
    _write_gz,
    national_store,  # noqa: F401 (the `store` fixture)
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "published"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def _revise_leeds_cp_rate(table: Path, value: str) -> None:
    with gzip.open(table, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    for row in rows:
        if (row["Short Desc"], row["Years"], row["LA and Regions"]) == ("CPP_rate", "2025", "Leeds"):
            row["Values"] = value
    _write_gz(table, header, rows)


def _refresh(engine: Engine, args: list[str], settings: Settings | None = None) -> str:
    app = FakeApp(engine, settings or Settings.from_env({}, env_file=None))
    result = CliRunner().invoke(refresh_cli.command, args, obj=app)
    assert result.exit_code == 0, result.output
    return result.output


def test_refresh_from_a_folder_reports_new_then_revised_and_keeps_history(
    store: Engine,
    tmp_path: Path,
) -> None:
    table = _lait_subset(tmp_path)
    first = _refresh(store, [str(tmp_path)])
    assert first.startswith("lait_bds_long.csv.gz: ") and " new, 0 revised, 0 unchanged" in first
    again = _refresh(store, [str(tmp_path)])
    assert " 0 new, 0 revised, " in again
    _revise_leeds_cp_rate(table, "36.4")
    revised = _refresh(store, [str(tmp_path)])
    assert " 0 new, 1 revised, " in revised
    with Session(store) as session:
        history = session.scalars(select(ObservationRevision.previous)).all()
    assert [entry["value"] for entry in history] == [36.0]


def test_refresh_downloads_the_urls_in_settings(served: tuple[str, Path], store: Engine) -> None:
    base, folder = served
    _lait_subset(folder)
    urls = f"{base}/lait_bds_long.csv.gz, {base}/lait_data_dictionary.csv.gz"
    settings = Settings.from_env({"BRIEFBOT_REFRESH_SOURCES": urls}, env_file=None)
    output = _refresh(store, [], settings)
    assert output.startswith("lait_bds_long.csv.gz: ") and " 0 revised, 0 unchanged" in output
    with Session(store) as session:
        assert session.scalar(select(func.count()).select_from(ObservationRevision)) == 0


def test_a_url_that_fails_is_one_line(served: tuple[str, Path], store: Engine) -> None:
    base, _folder = served
    app = FakeApp(store, Settings.from_env({}, env_file=None))
    result = CliRunner().invoke(refresh_cli.command, [f"{base}/missing.csv.gz"], obj=app)
    assert result.exit_code == 1 and "could not download" in result.output and "Traceback" not in result.output
