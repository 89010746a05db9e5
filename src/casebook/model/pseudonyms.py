"""Pseudonyms: a name or place that must never leave the project, and what replaces it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PseudonymKind(enum.StrEnum):
    """What a listed term names; places and schools also match their definite forms."""

    PERSON = "person"
    PLACE = "place"
    SCHOOL = "school"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Pseudonym:
    """``term`` (``Emil``, ``Lysåsen skole``) is written as ``replacement`` in every export.

    A term linked to a participant (``person``, a participant code such as ``1a``) is
    replaced by that participant's label ("Forelder 1a"), which then wins over
    ``replacement``."""

    term: str
    replacement: str
    kind: PseudonymKind = PseudonymKind.OTHER
    person: str | None = None
    guid: str = ""
    created_at: str = ""
