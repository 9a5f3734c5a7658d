"""Kommunalnetz matching engine: German needs, offers and profiles in, ranked explained matches out.

A pure library (no Flask, no database). See docs/matching.md for the API, the measurements behind
each design choice and the speed figures.
"""

from matching.evaluate import Evaluation, evaluate
from matching.index import MatchIndex, TextAnalysis
from matching.records import Match, Record, RecordFormatError, read_records
from matching.text import MAX_TEXT_CHARS, content_words

__all__ = [
    "MAX_TEXT_CHARS",
    "Evaluation",
    "Match",
    "MatchIndex",
    "Record",
    "RecordFormatError",
    "TextAnalysis",
    "content_words",
    "evaluate",
    "read_records",
]
