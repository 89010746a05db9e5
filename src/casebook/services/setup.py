"""Creating a project the way a researcher starts one: file, then the default codebook."""

from __future__ import annotations

from pathlib import Path

from casebook.services import codebook
from casebook.services.project import Project
from casebook.storage.connection import remove_project_files


def create_project(path: Path, name: str | None, codebook_file: Path | None, coder: str) -> Project:
    """Create ``path`` and load ``codebook_file`` (None: start with an empty codebook).

    If the codebook cannot be loaded (or anything else stops it, an interrupt too), the
    half-made project file is removed again.
    """
    project = Project.create(path, name)
    if codebook_file is None:
        return project
    try:
        codebook.load_file(project, codebook_file, coder)
    except BaseException:
        project.close()
        remove_project_files(path)
        raise
    return project
