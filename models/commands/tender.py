"""python -m models tender: evaluate a tender scenario (JSON) as the tender page does."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import format_option, print_json, print_table, read_scenario, scenario_argument

# ``models.tender.DEFAULT_SIMULATIONS`` (a test keeps them equal), written here so that
# --help does not load numpy and pandas.
DEFAULT_SIMULATIONS = 10_000


@click.command()
@scenario_argument
@format_option()
@click.option(
    "--simulations", metavar="N", type=click.IntRange(min=0), default=DEFAULT_SIMULATIONS, show_default=True,
    help="Monte Carlo draws of the weights for win probabilities (0 to skip)",
)
@click.option("--report", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="also write the assessment summary as an Excel workbook")
def tender(scenario: Path, output_format: str, simulations: int, report: Path | None) -> None:
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
