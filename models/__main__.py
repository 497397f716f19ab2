"""The command line: ``python -m models <command> ...``, the app's engines, headless.

One click group, ``cli``; each command is a click command in ``models/commands/<name>.py``,
registered below by name. Writing a new command: see ``models/commands/__init__.py``."""

from __future__ import annotations

import click

from .commands import (agreements, backup, consultations, copy, fcr, import_data, init, monitoring, organisations, outcomes,
                       retention, spend, sroi, tender, users)
from .errors import DomainError


def problem_text(error: DomainError) -> str:
    """A domain error for the terminal: its message, then each problem when there are several."""
    lines = [str(error)]
    if len(error.problems) > 1:
        lines += [f"  - {problem}" for problem in error.problems]
    return "\n".join(lines)


class Commands(click.Group):
    """A click group that turns a ``DomainError`` (bad input a user can fix) into a
    ``click.ClickException``: ``Error: <message>`` on stderr and exit code 1, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(problem_text(error)) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Third-sector partnership dashboard: the same engines as the app, from the command line.

    Each command has its own help: python -m models COMMAND --help."""


for command in (
    init.init,
    spend.spend,
    import_data.import_files,
    organisations.organisations,
    outcomes.outcomes,
    tender.tender,
    agreements.agreements,
    monitoring.monitoring,
    consultations.consultations,
    sroi.sroi,
    fcr.fcr,
    users.users,
    retention.retention,
    copy.copy,
    backup.backup,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (exits with the command's code)."""
    cli.main(args=argv, prog_name="python -m models")


if __name__ == "__main__":
    main()
