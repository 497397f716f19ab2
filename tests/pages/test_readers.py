"""The cached readers (ui/data.reader) read the database they are given, not the default one,
and a new data version shows a write at once."""

from __future__ import annotations

from models import organisations, store
from tests.conftest import copy_database

NEW_ORGANISATION = {"name": "Reader Test Llama Trekking", "org_type": "charity", "districts": ["Congleton"],
                    "themes": ["Animals"], "description": "Llama trekking for people recovering from illness."}


def test_readers_honour_their_database_path(db_path, tmp_path):
    from ui import directory as directory_ui
    from ui.outcomes import action_names

    other = copy_database(db_path, tmp_path / "other.db")
    with store.opened(other) as db:
        org_id = organisations.add(db, NEW_ORGANISATION, who="t")
    # $DASHBOARD_DB is db_path: a reader given the other path must still read the other file.
    assert directory_ui.profile(str(other), 0, org_id) is not None
    assert directory_ui.profile(str(db_path), 0, org_id) is None
    assert directory_ui.funding(str(other), 0, org_id).empty
    assert action_names(str(other), 0) == action_names(str(db_path), 0)


def test_a_new_version_reads_again(db_path):
    from ui import directory as directory_ui

    before = directory_ui.directory_version(str(db_path), 0)
    with store.opened(db_path) as db:
        organisations.add(db, NEW_ORGANISATION, who="t")
    assert directory_ui.directory_version(str(db_path), 0) == before  # cached for version 0
    assert directory_ui.directory_version(str(db_path), 1) != before
