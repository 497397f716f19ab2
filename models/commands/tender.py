"""python -m models tender: evaluate a tender scenario (JSON) as the tender page does, and
``tender award-pack TENDER_ID --out DIR``: write a stored tender's award pack.

``tender`` is a group whose default is ``evaluate``, so ``tender [OPTIONS] SCENARIO.json``
works as it always has; ``tender --help`` shows both."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import db_option, format_option, print_json, print_table, read_scenario, reading_database, scenario_argument

# ``models.tender.DEFAULT_SIMULATIONS`` (a test keeps them equal), written here so that
# --help does not load numpy and pandas.
DEFAULT_SIMULATIONS = 10_000


class TenderCommands(click.Group):
    """A group whose first argument, when it is not a subcommand's name, goes to
    ``evaluate``: ``tender SCENARIO.json`` = ``tender evaluate SCENARIO.json``."""

    default = "evaluate"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] SCENARIO.json")
        formatter.write_usage(ctx.command_path, "award-pack TENDER_ID --out DIR [OPTIONS]", prefix="   or: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        evaluate_command = self.commands[self.default]
        evaluate_command.format_options(click.Context(evaluate_command, info_name=self.default, parent=ctx), formatter)
        self.format_commands(ctx, formatter)


@click.group(cls=TenderCommands)
def tender() -> None:
    """Evaluate a tender scenario (the default), or write a stored tender's award pack.

    SCENARIO.json is the JSON the tender page saves (see docs/tender.md); see
    docs/award.md for the award pack."""


@tender.command("evaluate")
@scenario_argument
@format_option()
@click.option(
    "--simulations", metavar="N", type=click.IntRange(min=0), default=DEFAULT_SIMULATIONS, show_default=True,
    help="Monte Carlo draws of the weights for win probabilities (0 to skip)",
)
@click.option("--report", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="also write the assessment summary as an Excel workbook")
def evaluate(scenario: Path, output_format: str, simulations: int, report: Path | None) -> None:
    """Evaluate a tender scenario: ranking, disqualifications, flags, tipping points.

    SCENARIO.json is the JSON the tender page saves (see docs/tender.md)."""
    from .. import tender as engine

    evaluation = engine.evaluate(engine.parse_scenario(read_scenario(scenario)))
    probabilities = engine.win_probabilities(evaluation, draws=simulations) if simulations else {}
    if report is not None:
        try:
            report.write_bytes(engine.assessment_xlsx(evaluation, probabilities))
        except OSError as error:
            raise click.ClickException(f"cannot write {report}: {error.strerror}") from None
    if output_format == "json":
        output = engine.result_json(evaluation)
        if probabilities:
            output["win_probabilities"] = {k: round(v, 4) for k, v in probabilities.items()}
        print_json(output)
    else:
        print_report(evaluation, probabilities)


@tender.command("award-pack")
@click.argument("tender_id", metavar="TENDER_ID", type=int)
@click.option("--out", "out", metavar="DIR", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder to write the documents into (created if missing)")
@db_option
@click.option(
    "--simulations", metavar="N", type=click.IntRange(min=0), default=DEFAULT_SIMULATIONS, show_default=True,
    help="Monte Carlo draws for the decision report's win probability (0 to leave it out)",
)
def award_pack(tender_id: int, out: Path, db: str | None, simulations: int) -> None:
    """Write a stored tender's award pack: one assessment summary per bidder (PDF and DOCX),
    the award decision report, the assessment workbook, the clarification log and the award
    notice as OCDS JSON.

    TENDER_ID is the number shown on the tender page. Refused, naming what to fix, while a
    score is unmoderated, a reason only repeats the descriptor or a low price is unexplained."""
    from .. import award_records

    with reading_database(db) as database:
        files = award_records.pack_files(database, tender_id, draws=simulations)
        state = award_records.award_state(database, tender_id)
    try:
        for name, data in files.items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"cannot write to {out}: {error.strerror}") from None
    click.echo(f"Wrote {len(files)} files to {out}:")
    for name in files:
        click.echo(f"  {name}")
    if state is None:
        click.echo("Not issued yet: the tender page's Award tab records the issue, the notice and the standstill.")
    elif state.standstill:
        click.echo(state.standstill.summary)


def print_report(evaluation, probabilities: dict[str, float]) -> None:
    """The ranking, disqualifications, flags and tipping points as plain text."""
    from .. import tender as engine
    from ..formatting import percent

    for note in engine.report_notes(evaluation.scenario):
        click.echo(note)
    click.echo()
    print_table(engine.as_text(engine.ranking_frame(evaluation)))
    click.echo(f"\nWinner: {evaluation.winner or 'none (every bid was disqualified)'}")
    for flag in evaluation.flags:
        click.echo(f"Flag: {flag['message']}")
    if evaluation.winner:
        click.echo("\nTipping points (one weight moved, the others rescaled in proportion):")
        for point in engine.tipping_points(evaluation):
            click.echo(f"  {point.criterion_name} (now {point.current_weight:.2f}%): {point.summary}")
    if probabilities:
        click.echo(f"\nWin probabilities (weights varied by up to ±{percent(evaluation.scenario.weight_spread, 0)}):")
        for bidder, probability in probabilities.items():
            click.echo(f"  {bidder}: {percent(probability)}")
