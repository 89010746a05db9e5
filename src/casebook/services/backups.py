"""Back up a project and restore it: on demand, and automatically before risky changes.

Backups live in ``<project>.backups/`` beside the project, owner-only, the newest ten kept
(``storage.backups``). A restore first backs up the project as it is, so it can be undone.
"""

from __future__ import annotations

from pathlib import Path

from casebook.services.project import Project
from casebook.storage import backups
from casebook.storage.backups import Backup

KEEP = backups.KEEP


def backup(project: Project, reason: str = "manual", keep: int = KEEP) -> Path:
    """Make a backup of the project as committed; returns its path."""
    return backups.write_backup(project.pdb, reason, keep)


def before_risky_change(project: Project, what: str) -> Path | None:
    """The automatic backup before a change that is hard to undo (``what``: "merge" ...).
    Skipped inside a caller's transaction, where the copy would hold unfinished work."""
    if project.pdb.db.conn.in_transaction:
        return None
    return backups.write_backup(project.pdb, f"before-{what}")


def listed(project_path: Path) -> list[Backup]:
    """The project's backups, oldest first (the project itself need not open)."""
    return backups.list_backups(project_path)


def restore(project: Project, backup_file: Path) -> Path:
    """Replace the project's contents with ``backup_file``'s; the project as it was is
    backed up first, and that backup's path is returned (to undo the restore)."""
    safety = backups.write_backup(project.pdb, "before-restore")
    backups.restore_backup(project.pdb, backup_file)
    return safety
