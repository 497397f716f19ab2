"""python -m models tender: evaluate a tender scenario (JSON) as the tender page does."""

from __future__ import annotations

from pathlib import Path

from .. import tender
from ..errors import DomainError
from ..formatting import percent
from ..scenarios import parse_json
from ._common import add_format_argument, fail, print_json, print_table

NAME = "tender"
HELP = "evaluate a tender scenario: ranking, disqualifications, flags, tipping points"


def add_arguments(parser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO.json", help="the tender scenario (the JSON the page saves)")
    add_format_argument(parser)
    parser.add_argument(
        "--simulations", metavar="N", type=int, default=tender.DEFAULT_SIMULATIONS,
        help=f"Monte Carlo draws of the weights for win probabilities (default {tender.DEFAULT_SIMULATIONS:,}; 0 to skip)",
    )
    parser.add_argument("--report", metavar="FILE.xlsx", help="also write the assessment summary as an Excel workbook")


def run(args) -> int:
    if args.simulations < 0:
        return fail("--simulations must be 0 or more")
    path = Path(args.scenario)
    try:
        body = parse_json(path.read_bytes(), source=path.name)
        scenario = tender.parse_scenario(body)
        evaluation = tender.evaluate(scenario)
    except OSError as error:
        return fail(f"cannot read {path}: {error.strerror}")
    except DomainError as error:
        return fail("\n  ".join([str(error)] + error.problems[1:]))
    probabilities = tender.win_probabilities(evaluation, draws=args.simulations) if args.simulations else {}
    if args.report:
        try:
            Path(args.report).write_bytes(tender.assessment_xlsx(evaluation, probabilities))
        except OSError as error:
            return fail(f"cannot write {args.report}: {error.strerror}")
    if args.format == "json":
        output = tender.result_json(evaluation)
        if probabilities:
            output["win_probabilities"] = {k: round(v, 4) for k, v in probabilities.items()}
        print_json(output)
    else:
        print_report(evaluation, probabilities)
    return 0


def print_report(evaluation: tender.Evaluation, probabilities: dict[str, float]) -> None:
    """The ranking, disqualifications, flags and tipping points as plain text."""
    for note in tender.report_notes(evaluation.scenario):
        print(note)
    print()
    print_table(tender.as_text(tender.ranking_frame(evaluation)))
    print(f"\nWinner: {evaluation.winner or 'none (every bid was disqualified)'}")
    for flag in evaluation.flags:
        print(f"Flag: {flag['message']}")
    if evaluation.winner:
        print("\nTipping points (one weight moved, the others rescaled in proportion):")
        for point in tender.tipping_points(evaluation):
            print(f"  {point.criterion_name} (now {point.current_weight:.2f}%): {point.summary}")
    if probabilities:
        print(f"\nWin probabilities (weights varied by up to ±{percent(evaluation.scenario.weight_spread, 0)}):")
        for bidder, probability in probabilities.items():
            print(f"  {bidder}: {percent(probability)}")
