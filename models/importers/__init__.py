"""Importers for the open data councils and funders publish: 360Giving grants, council
spend over £500, the Charity Commission register extract and OCDS contract awards.

``import_sources(db, sources, options)`` is the one way in (the command line and the Data
page both use it); ``import_log`` and ``remove_import`` manage what was imported."""

from .base import ALL_AREAS
from .detect import FORMAT_NAMES, detect_format
from .report import SHOWN, FileRejected, Problem, ValidationReport, warnings_frame
from .runner import FORMATS, ImportOptions, ImportResult, import_log, import_sources, remove_import
from .sources import Source

__all__ = [
    "ALL_AREAS", "FORMAT_NAMES", "FORMATS", "SHOWN", "FileRejected", "ImportOptions", "ImportResult",
    "Problem", "Source", "ValidationReport", "detect_format", "import_log", "import_sources", "remove_import", "warnings_frame",
]
