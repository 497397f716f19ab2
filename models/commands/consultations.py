"""python -m models consultations list|show|add|update|compact|plan|standards: the
consultation log, the Compact checks and the toolkit's timeline, headless."""

from __future__ import annotations

import click

from ._common import actor_named, db_option, format_option, open_database, print_json, print_table, reading_database

# The log's methods and decision kinds, written out so --help loads no engine (a test keeps
# them equal to models.consultations').
METHODS = ("Online", "Workshop", "Assembly or network", "Survey")
DECISION_KINDS = ("Tender", "Agreement", "Action")


@click.group()
def consultations() -> None:
    """The consultation log and the Compact checks (measured from records)."""


def _day(value: str | None):
    from ..outcomes import parse_date

    return parse_date(value, where="--today") if value else None


def _records(frame) -> list[dict]:
    """Rows for JSON: missing values as null (never NaN, which is not JSON)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _print(frame, output_format: str, key: str) -> None:
    from ..export import csv_bytes

    if output_format == "json":
        print_json({key: _records(frame)})
    elif output_format == "csv":
        click.echo(csv_bytes(frame).decode("utf-8"), nl=False)
    else:
        print_table(frame.astype(object).where(frame.notna(), "-"))


@consultations.command("list")
@db_option
@click.option("--department", metavar="D", multiple=True, help="only this department (repeatable)")
@click.option("--today", metavar="DATE", default=None, help="judge statuses as of this date (default: today)")
@format_option("table", "csv", "json")
def list_command(db, department, today, output_format) -> None:
    """List consultations with their status, who took part and what they informed."""
    import datetime as dt

    from .. import consultations as log
    from ..formatting import uk_short_date

    with reading_database(db) as database:
        frame = log.list_consultations(database)
    day = _day(today) or dt.date.today()
    frame["status"] = [log.status(r, day) for r in frame.to_dict(orient="records")]
    if department:
        frame = frame[frame["department"].isin(department)]
    if output_format == "table":
        frame = frame[["consultation_id", "subject", "department", "status", "start_date", "end_date", "took_part",
                       "responses", "feedback_published_on"]].copy()
        for column in ("start_date", "end_date", "feedback_published_on"):
            frame[column] = [uk_short_date(v) if isinstance(v, str) else "" for v in frame[column]]
    _print(frame, output_format, "consultations")


@consultations.command()
@db_option
@format_option()
@click.argument("consultation_id", metavar="ID", type=int)
def show(db, output_format, consultation_id) -> None:
    """One consultation: every field, who was invited and took part, and its links."""
    from .. import consultations as log

    with reading_database(db) as database:
        record = log.get(database, consultation_id)
    if output_format == "json":
        print_json(record)
        return
    for field, value in record.items():
        click.echo(f"{log.FIELD_LABELS.get(field, field)}: {value if value not in (None, '', []) else '-'}")


_WRITE_OPTIONS = [
    click.option("--subject", default=None), click.option("--service", default=None),
    click.option("--department", default=None),
    click.option("--start", "start_date", metavar="DATE", default=None, help="first day open (24/11/2026 or 2026-11-24)"),
    click.option("--end", "end_date", metavar="DATE", default=None, help="last day open"),
    click.option("--method", type=click.Choice(METHODS), default=None),
    click.option("--shorter-reason", default=None, help="why it is shorter than the Compact's period"),
    click.option("--invite", "invited_orgs", metavar="ORG-ID", multiple=True, help="directory organisation invited (repeatable)"),
    click.option("--invite-group", "invited_groups", metavar="TEXT", multiple=True, help="group invited, not in the directory (repeatable)"),
    click.option("--took-part", "took_part_orgs", metavar="ORG-ID", multiple=True, help="directory organisation that took part (repeatable)"),
    click.option("--took-part-group", "took_part_groups", metavar="TEXT", multiple=True, help="group that took part (repeatable)"),
    click.option("--responses", type=click.IntRange(min=0), default=None, help="number of responses"),
    click.option("--summary", default=None, help="summary of responses"),
    click.option("--decision-kind", type=click.Choice(DECISION_KINDS), default=None),
    click.option("--decision", default=None, help="the decision it informed, in words"),
    click.option("--agreement", "agreement_ref", default=None, help="the agreement it informed (id or reference)"),
    click.option("--tender", "tender_ids", metavar="ID", type=int, multiple=True, help="tender it informed (repeatable)"),
    click.option("--tender-notice", metavar="DATE", default=None, help="the tender notice's publication date"),
    click.option("--action", "actions", metavar="ACTION-ID", multiple=True, help="action-plan row it informed (repeatable)"),
    click.option("--feedback-on", "feedback_published_on", metavar="DATE", default=None, help="day feedback was published"),
    click.option("--feedback-text", default=None, help="the 'you said, we did' text"),
    click.option("--who", required=True, help="your name, for the audit log"),
]


def _write_options(command):
    for option in reversed(_WRITE_OPTIONS):
        command = option(command)
    return command


def _changes(values: dict) -> dict:
    """The options given, as form fields (options not given are left out)."""
    changes = {k: v for k, v in values.items() if v not in (None, ())}
    tenders = changes.pop("tender_ids", None)
    notice = changes.pop("tender_notice", None)
    if tenders:
        changes["tenders"] = [{"tender_id": t, "tender_notice_on": notice} for t in tenders]
    for field in ("invited_orgs", "invited_groups", "took_part_orgs", "took_part_groups", "actions"):
        if field in changes:
            changes[field] = list(changes[field])
    return changes


@consultations.command()
@db_option
@_write_options
@click.option("--planned", is_flag=True, help="mark it as planned with the toolkit")
def add(db, who, planned, **values) -> None:
    """Log a consultation (subject, department, start, end and method are required)."""
    from .. import consultations as log

    actor = actor_named(who)
    with open_database(db) as database:
        new_id = log.create(database, _changes(values), actor=actor, planned_with_toolkit=planned)
    print_json({"consultation_id": new_id, "version": 1})


@consultations.command()
@db_option
@click.argument("consultation_id", metavar="ID", type=int)
@click.option("--version", "expected_version", type=int, required=True,
              help="the version you read (show ID); a newer one refuses the change")
@_write_options
def update(db, consultation_id, expected_version, who, **values) -> None:
    """Change a consultation: record responses, who took part, feedback, links."""
    from .. import consultations as log

    actor = actor_named(who)
    with open_database(db) as database:
        record = log.update(database, consultation_id, _changes(values), expected_version=expected_version, actor=actor)
    print_json({"consultation_id": consultation_id, "version": record["version"]})


@consultations.command()
@db_option
@click.option("--by", type=click.Choice(["overall", "department", "period", "record"]), default="overall",
              show_default=True, help="council-wide, per department, per financial year, or every record")
@click.option("--today", metavar="DATE", default=None, help="judge as of this date (default: today)")
@format_option("table", "csv", "json")
def compact(db, by, today, output_format) -> None:
    """The Compact checks measured from records, beside the self-assessment's scores."""
    from .. import compact as checks

    standards = checks.load_standards()
    with reading_database(db) as database:
        results = checks.assess(database, _day(today), standards)
        assessed = checks.self_assessed(database)
    if by == "record":
        _print(checks.results_table(results), output_format, "records")
        return
    measured = checks.overall(results, standards) if by == "overall" else checks.summarise(results, by, standards)
    beside = checks.measured_beside_assessed(results, assessed, None if by == "overall" else by, standards)
    if output_format == "json":
        print_json({"by": by, "measured": _records(measured), "beside_self_assessment": _records(beside),
                    "standards": _records(checks.standards_table(standards))})
        return
    _print(beside, output_format, "beside_self_assessment")


@consultations.command()
@click.option("--today", metavar="DATE", default=None, help="plan from this date (default: today)")
@click.option("--start", metavar="DATE", default=None, help="the day it opens (default: after the early notice)")
@format_option()
def plan(today, start, output_format) -> None:
    """The toolkit's timeline: notice, opening, closing, tender notice and feedback dates."""
    import datetime as dt

    from .. import compact as checks

    day = _day(today) or dt.date.today()
    timeline = checks.plan_timeline(day, _day(start))
    _print(timeline, output_format, "timeline")


@consultations.command()
@format_option("table", "csv", "json")
def standards(output_format) -> None:
    """The Compact standards: each check's figure, rule and source."""
    from .. import compact as checks

    _print(checks.standards_table(checks.load_standards()), output_format, "standards")
