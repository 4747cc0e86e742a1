"""Importing schedules: frab XML/JSON exports and organisers' CSV/XLSX spreadsheets."""

from program.importers.records import ImportFailed
from program.importers.result import ImportResult
from program.importers.service import import_schedule

__all__ = ["ImportFailed", "ImportResult", "import_schedule"]
