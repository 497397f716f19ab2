"""What the home page and the sidebar say about the data as a whole."""

from __future__ import annotations

from dataclasses import dataclass

from . import organisations, outcomes, spend, store


@dataclass(frozen=True)
class DataSummary:
    imported_spend_files: int
    demo_organisations: int
    real_organisations: int


def data_summary(db: store.Database) -> DataSummary:
    """Where the figures come from: imported files, fictional and real organisations."""
    imported = db.execute(
        "SELECT COUNT(*) FROM import_log WHERE status = 'imported'"
    ).fetchone()[0]
    # Demonstration organisations count only while an officer has them switched on.
    shown = organisations.counts(db)
    return DataSummary(int(imported), shown["demo"], shown["real"])


def headline_spend(db: store.Database) -> spend.Headline:
    """The home page's spend headline: third-sector local government spend, all years."""
    return spend.headline(db, spend.SpendFilter())


def outcome_headline(db: store.Database) -> list[outcomes.GroupCount]:
    """The home page's outcomes headline, judged as of today: how many of the framework's
    outcomes are met or on track, at risk or off track, missed, or out of date or without
    data, each split into real and illustrative figures (rule: models.outcomes.STATUS_RULE)."""
    return outcomes.headline_counts(outcomes.outcome_summaries(db))
