"""The codebook tree as the workbench shows it: whose codings each code has."""

from __future__ import annotations

from casebook.model.counts import CodeCount
from casebook.services.project import Project
from casebook.storage import code_store


def code_counts(project: Project, coder: str) -> dict[str, CodeCount]:
    """Codings per code id (its sub-codes not included) on current source versions, split
    into ``coder``'s and other coders'. Codes without codings are left out."""
    return {
        key: CodeCount(mine, others)
        for key, (mine, others) in code_store.counts_by_coder(project.pdb, coder).items()
    }
