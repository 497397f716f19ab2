"""Commands of ``python -m models``: one module per command, each a click command (or
group) registered by name in ``models/__main__.py``.

To add a command ``widgets``:

1. ``models/commands/widgets.py``::

       import click
       from ._common import db_option, format_option, open_database, print_json, print_table

       @click.command()
       @db_option
       @format_option()            # or format_option("table", "csv", "json")
       @click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True, help="...")
       def widgets(db, output_format, limit):
           \"\"\"One line for the command list; more lines for --help.\"\"\"
           from .. import widgets as engine     # heavy imports inside the function
           with open_database(db) as database:  # a report that only reads: reading_database(db)
               ...

   ``reading_database`` writes nothing once the schema is current (no write lock: it answers
   while an import publishes) and, on a SQLite file, reads with plain sqlite3 (no SQLAlchemy;
   a ``store.Reader`` answers ``execute``, ``query`` and ``store.table_exists`` only).
   User errors: raise ``DomainError`` (models/errors.py) or ``click.ClickException``;
   both print ``Error: ...`` and exit 1.
2. Register it: import the module in ``models/__main__.py`` and add ``widgets.widgets``
   to the tuple there.
3. Test it in process: the ``run_cli`` fixture in tests/conftest.py
   (``result = run_cli("widgets", "--db", str(db_path)); assert result.exit_code == 0``).
"""
