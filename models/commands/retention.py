"""python -m models retention: list, or with --apply remove or anonymise, the audit
entries and bid records past the retention period."""

from __future__ import annotations

import click

from ._common import db_option, format_option, open_database, print_json, print_table, reading_database


@click.command()
@db_option
@format_option()
@click.option("--years", type=click.IntRange(1, 100), default=None,
              help="retention period in years (default: $DASHBOARD_RETENTION_YEARS, else 7)")
@click.option("--apply", "apply_", is_flag=True,
              help="remove or anonymise what is listed (without it: a dry run that changes nothing)")
@click.option("--as", "as_email", metavar="EMAIL", help="act as this administrator (needed when sign-in is on)")
def retention(db, output_format, years, apply_, as_email) -> None:
    """Audit entries and bid records past the retention period: list them, or --apply.

    A record is past it when its last change is more than the period ago. --apply removes
    those records' audit entries and anonymises those tenders (evaluators become
    "Evaluator 1", ...; who acted becomes "anonymised"; conflict details are removed;
    bids, scores and award figures are kept), and records the run in the audit log
    without the personal data it removed. Administrators only."""
    import pandas as pd

    from .. import retention as rules
    from .. import users as people
    from ..formatting import count_of

    if apply_:
        with open_database(db) as database:
            actor = people.command_line_actor(database, as_email, people.sign_in_config(people.read_secrets()))
            result = rules.apply(database, actor=actor, years=years)
    else:
        with reading_database(db) as database:  # a dry run only reads
            result = rules.plan(database, years=years)
    verb = "Done" if apply_ else "Dry run, nothing changed (--apply to do it); past the period"
    summary = {
        "retention_years": result.years, "last_changed_before": result.cutoff.isoformat(), "applied": bool(apply_),
        "tenders_to_anonymise" if not apply_ else "tenders_anonymised": len(result.tenders),
        "audit_entries_to_remove" if not apply_ else "audit_entries_removed": result.audit_entries,
        "records": result.rows(),
    }
    if output_format == "json":
        print_json(summary)
        return
    click.echo(f"Retention {result.years} years: records last changed before {result.cutoff:%d/%m/%Y}.")
    if result.empty:
        click.echo("Nothing is past the retention period.")
        return
    click.echo(f"{verb}: {count_of(len(result.tenders), 'tender')} anonymised, "
               f"{count_of(result.audit_entries, 'audit entry', 'audit entries')} of "
               f"{count_of(len(result.audit_records), 'record')} removed.")
    print_table(pd.DataFrame(result.rows(), columns=["what", "record", "last_change", "action"]))
