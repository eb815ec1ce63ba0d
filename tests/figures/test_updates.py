"""Officers' updates in the core and the store: reading, validation, preview, confirm, staleness, undo, history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.figures.updates import Access, Actor, Roles, UpdateRequest, Updates, parse_command, read_csv
from data.figures import changes
from data.figures.periods import snapshot
from data.figures.writes import ObservationInput, write_observations
from data.models import AuditLog, ChangeSet, ObservationRevision
from tests.conftest import BACKENDS

TODAY = date(2026, 11, 22)
OFFICER = Actor("slack", "U-officer", "Jo Officer")
OTHER_OFFICER = Actor("slack", "U-other", "Sam Other")
READER = Actor("slack", "U-reader", "Councillor")
JESS_JUNE = ("CPP_COUNT", "cluster-jess", date(2013, 6, 30), date(2013, 6, 30))


def _updates(engine: Engine, **options: object) -> Updates:
    bot = Briefbot(engine, today=lambda: TODAY, strict=True)
    roles = Roles(Access(officers=frozenset({OFFICER.id, OTHER_OFFICER.id})))
    return Updates(bot, roles, **options)  # type: ignore[arg-type]


def _asked(updates: Updates, question: str) -> tuple[float | None, float | None, str]:
    answer = updates.bot.ask(question)
    asked = next(fact for fact in answer.facts if fact.role == "asked")
    previous = next((fact for fact in answer.facts if fact.role == "previous"), None)
    return asked.value, previous.value if previous else None, asked.period_display


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_set_confirm_then_undo_as_questions_see_it(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    preview = updates.preview_text(OFFICER, '"CP plans" JESS 30/6/13 151 from the June return')
    assert preview.change_set is not None, preview
    assert preview.lines == ("Child protection plans [CPP_COUNT], JESS cluster, 30 Jun 2013: new, 151",)
    assert changes.current_figures(Session(seeded_engine), [JESS_JUNE]) == {}  # a preview writes nothing
    outcome = updates.confirm(OFFICER, preview.change_set)
    assert outcome.kind == "applied", outcome
    assert _asked(updates, "CP plans JESS") == (151.0, 149.0, "30 Jun 2013")
    assert any(source.startswith("updated by Jo Officer on ") for source in updates.bot.ask("CP plans JESS").sources)
    with Session(seeded_engine) as session:
        manual = changes.manual_updates(session, [JESS_JUNE])
        assert manual[JESS_JUNE].actor_name == "Jo Officer"
        audit = session.scalars(select(AuditLog).where(AuditLog.change_set_id == preview.change_set)).one()
        assert audit.action == "create" and audit.actor == "slack:U-officer"
    undone = updates.undo(OFFICER)
    assert undone.kind == "applied" and "1 removed" in undone.message
    assert _asked(updates, "CP plans JESS") == (149.0, 93.0, "31 Mar 2013")
    assert not any("updated by" in source for source in updates.bot.ask("CP plans JESS").sources)
    assert updates.undo(OFFICER).message == "You have no change to undo."


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_correction_shows_old_to_new_and_undo_restores_it_exactly(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    preview = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-03-31 150 typo in the report")
    assert preview.lines == ("Child protection plans [CPP_COUNT], JESS cluster, 31 Mar 2013: 149 → 150",)
    assert preview.change_set is not None
    assert updates.confirm(OFFICER, preview.change_set).kind == "applied"
    key = ("CPP_COUNT", "cluster-jess", date(2013, 3, 31), date(2013, 3, 31))
    with Session(seeded_engine) as session:
        revision = session.scalars(
            select(ObservationRevision).where(ObservationRevision.change_set_id == preview.change_set)
        ).one()
        assert revision.previous["value"] == 149 and revision.previous_change_set_id is None
    assert updates.undo(OFFICER).kind == "applied"
    with Session(seeded_engine) as session:
        held = changes.current_figures(session, [key])[key]
        assert (held.value, held.change_set) == (149.0, None)
        assert changes.manual_updates(session, [key]) == {}
    lines = updates.history("CPP_COUNT", "JESS")
    assert lines[0].startswith("31 Mar 2013: 150 → 149, by Jo Officer")
    assert lines[1].startswith("31 Mar 2013: 149 → 150, by Jo Officer")


def test_both_phrasings_read_the_same_figure(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    first = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-06-30 151")
    second = updates.preview_text(OFFICER, "\u201cCP plans\u201d jess 30/6/13 151")
    assert first.lines == second.lines


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("NOSUCH JESS 2013-06-30 151", "indicator", "don't know a figure"),
        ("CPP_COUNT Atlantis 2013-06-30 151", "area", "don't know a place"),
        ("CPP_COUNT JESS someday 151", "period", "can't read"),
        ("CPP_COUNT JESS 31/2/13 151", "period", "can't read"),
        ("CPP_COUNT JESS 2030-03-31 151", "period", "in the future"),
        ("CPP_COUNT JESS 2013-06-30 -4", "value", "negative"),
        ("CPP_COUNT JESS 2013-06-30 15.5", "value", "whole number"),
        ("CPP_COUNT JESS 2013-06-30 lots", "value", "not a number"),
        ("NEET_PCT JESS 2013-06-30 101", "value", "between 0 and 100"),
        ("CPP_RATE Leeds 2013-06-30 20000", "value", "not believable"),
    ],
)
def test_bad_input_is_named_by_field(seeded_engine: Engine, text: str, field: str, words: str) -> None:
    updates = _updates(seeded_engine)
    request = parse_command(text)
    assert isinstance(request, UpdateRequest)
    errors = updates.check(request)
    assert [error.field for error in errors] == [field], errors
    assert words in errors[0].message
    preview = updates.preview(OFFICER, [request])
    assert preview.change_set is None and preview.rows[0].change == "rejected"


def test_suppression_symbols_are_allowed(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    for symbol in ("c", "x", "z", "u", "low", "k"):
        request = parse_command(f"CPP_COUNT JESS 2013-06-30 {symbol}")
        assert isinstance(request, UpdateRequest) and updates.check(request) == ()


def test_a_non_officer_changes_nothing(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    preview = updates.preview_text(READER, "CPP_COUNT JESS 2013-06-30 151")
    assert preview.refused and preview.change_set is None and "only children's services officers" in preview.headline
    mine = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-06-30 151")
    assert mine.change_set is not None
    assert updates.confirm(READER, mine.change_set).kind == "refused"
    assert updates.undo(READER).kind == "refused"
    with Session(seeded_engine) as session:
        assert changes.current_figures(session, [JESS_JUNE]) == {}


def test_officer_group_is_resolved_and_cached(seeded_engine: Engine) -> None:
    asked: list[str] = []

    def members(group: str) -> frozenset[str]:
        asked.append(group)
        return frozenset({"U-group"})

    now = [0.0]
    roles = Roles(Access(officer_group="S-officers"), group_members=members, clock=lambda: now[0])
    member, stranger = Actor("slack", "U-group"), Actor("slack", "U-stranger")
    assert roles.is_officer(member) and not roles.is_officer(stranger) and roles.is_officer(member)
    assert asked == ["S-officers"]
    now[0] = 301.0
    assert roles.is_officer(member) and asked == ["S-officers", "S-officers"]
    assert roles.is_officer(Actor("cli", "anyone")) and not roles.is_admin(member)


def test_an_old_or_overtaken_preview_is_refused_and_previewed_again(seeded_engine: Engine) -> None:
    later = [datetime.now(UTC)]
    updates = _updates(seeded_engine, clock=lambda: later[0])
    old = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-06-30 151")
    later[0] += timedelta(minutes=16)
    outcome = updates.confirm(OFFICER, old.change_set or 0)
    assert outcome.kind == "stale" and "more than 15 minutes" in outcome.message
    assert outcome.preview is not None and outcome.preview.change_set not in (None, old.change_set)
    later[0] = datetime.now(UTC)
    # Two officers, one figure: the other confirms first, so the first one's preview is out of date.
    mine = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-03-31 150")
    theirs = updates.preview_text(OTHER_OFFICER, "CPP_COUNT JESS 2013-03-31 152")
    assert updates.confirm(OTHER_OFFICER, theirs.change_set or 0).kind == "applied"
    stale = updates.confirm(OFFICER, mine.change_set or 0)
    assert stale.kind == "stale" and stale.preview is not None
    assert stale.preview.lines[0].endswith("152 → 150")
    assert updates.confirm(OFFICER, stale.preview.change_set or 0).kind == "applied"  # last confirmation wins
    assert updates.confirm(OFFICER, stale.preview.change_set or 0).kind == "refused"  # and only once
    lines = updates.history("CPP_COUNT", "cluster-jess")
    assert [line.split(",")[0] for line in lines[:2]] == ["31 Mar 2013: 152 → 150", "31 Mar 2013: 149 → 152"]
    # The other officer's change can't be undone under the later one.
    assert "changed since" in updates.undo(OTHER_OFFICER).message


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_csv_with_a_bad_row_applies_nothing_and_a_clean_one_applies_whole(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    bad = read_csv("indicator,area,period,value\nCPP_COUNT,JESS,2013-06-30,151\nNEET_PCT,JESS,2013-06-30,140\n")
    assert isinstance(bad, list)
    preview = updates.preview(OFFICER, bad, kind="import")
    assert preview.change_set is None and preview.count("rejected") == 1
    assert preview.lines[1].startswith("Row 3: rejected") and "between 0 and 100" in preview.lines[1]
    clean = read_csv(
        "Indicator,Area,Period,Value,Note\nCPP_COUNT,JESS,2013-06-30,151,\nNEET_PCT,JESS,31/3/13,9.5,fix\n"
    )
    assert isinstance(clean, list)
    preview = updates.preview(OFFICER, clean, kind="import")
    assert (preview.count("new"), preview.count("changed")) == (1, 1)
    assert updates.confirm(OFFICER, preview.change_set or 0).kind == "applied"
    with Session(seeded_engine) as session:
        rows = session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.change_set_id == preview.change_set)
        )
        assert rows == 2
        assert session.get(ChangeSet, preview.change_set).kind == "import"  # type: ignore[union-attr]


def test_cancel_and_undo_of_an_undo(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    preview = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-06-30 151")
    assert updates.cancel(OFFICER, preview.change_set or 0).kind == "cancelled"
    assert updates.confirm(OFFICER, preview.change_set or 0).kind == "refused"
    applied = updates.preview_text(OFFICER, "CPP_COUNT JESS 2013-06-30 151")
    updates.confirm(OFFICER, applied.change_set or 0)
    undo = updates.undo(OFFICER)
    admin = Updates(updates.bot, Roles(Access()))
    redo = admin.undo(Actor("cli", "admin"), undo.change_set)
    assert redo.kind == "applied", redo
    with Session(seeded_engine) as session:
        held = changes.current_figures(session, [JESS_JUNE])[JESS_JUNE]
        assert held.value == 151.0 and held.change_set == applied.change_set


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_preview_the_store_has_since_made_wrong_is_refused_and_cancelled(seeded_engine: Engine) -> None:
    """Issue 21: the rules hold at confirmation too. Leeds' population is corrected to 1,000 between the
    preview of 1,400 children looked after and its confirmation: nothing is written, and the change is
    cancelled, not left pending."""
    updates = _updates(seeded_engine)
    preview = updates.preview_text(OFFICER, "LAC_COUNT E08000035 2025-03-31 1400")
    assert preview.change_set is not None, preview
    population = ObservationInput(
        "POP_0_17", "E08000035", snapshot(date(2024, 6, 30)), 1000.0, source_document="ONS", source_locator="row 1"
    )
    with Session(seeded_engine) as session, session.begin():
        write_observations(session, [population], actor="test", channel="import", reason="correction")
    outcome = updates.confirm(OFFICER, preview.change_set)
    assert outcome.kind == "refused"
    assert outcome.message.startswith("Nothing was changed: LAC_COUNT | E08000035 | 2025-03-31 to 2025-03-31")
    assert outcome.message.endswith("a count of 1,400 is more than the 1,000 children the store holds for this place.")
    with Session(seeded_engine) as session:
        assert session.get(ChangeSet, preview.change_set).state == "cancelled"  # type: ignore[union-attr]
        assert (
            changes.current_figures(session, [("LAC_COUNT", "E08000035", date(2025, 3, 31), date(2025, 3, 31))]) == {}
        )
    assert updates.check(UpdateRequest("LAC_COUNT", "E08000035", "2025-03-31", "1400"))[0].field == "value"


def test_a_note_too_long_for_the_store_is_a_field_error(seeded_engine: Engine) -> None:
    updates = _updates(seeded_engine)
    errors = updates.check(UpdateRequest("CPP_COUNT", "JESS", "2013-06-30", "151", "n" * 10_005))
    assert [(error.field, error.message) for error in errors] == [
        (
            "note",
            "The note is 10,005 characters long; the most the store holds is 10,000. Shorten it and send it again.",
        )
    ]
