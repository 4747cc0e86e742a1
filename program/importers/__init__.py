"""Importing schedules: frab XML/JSON exports and organisers' CSV/XLSX spreadsheets."""

from program.importers.records import ImportFailed
from program.importers.service import ImportResult, import_schedule

__all__ = ["ImportFailed", "ImportResult", "import_schedule"]
