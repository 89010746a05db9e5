"""Codebook use cases: load, add, rename, move, merge, split, delete, export, history.

Every change runs in one transaction and appends to the codebook's audit trail, so the
project can always show who changed what, when, and which revision a coding saw.
Codings refer to codes by row id, so renames and moves never disturb them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from casebook.codebook.qdc import new_guid, read_qdc, to_qdc
from casebook.codebook.toml_format import dump_toml, read_toml
from casebook.codebook.validation import CodebookInvalid, validate
from casebook.errors import Conflict, InvalidValue
from casebook.model.codes import Code, Codebook, CodebookEvent
from casebook.model.names import nfc
from casebook.reports.writing import write_private
from casebook.services import backups
from casebook.services.project import Project
from casebook.services.resources import bundled
from casebook.storage import code_store, memo_store
from casebook.storage.connection import ProjectDB

DEFAULT_CODEBOOK = bundled("codebooks/samordning.toml")


def current(project: Project) -> Codebook:
    """The project's codebook with coding counts, parents before children."""
    meta = code_store.get_meta(project.pdb)
    return Codebook(
        name=meta.get("name", ""),
        version=meta.get("version", ""),
        language=meta.get("language", "nb"),
        description=meta.get("description", ""),
        codes=tuple(code_store.list_codes(project.pdb)),
    )


def load_file(project: Project, path: Path, coder: str) -> dict[str, int]:
    """Load a TOML or .qdc codebook: new codes added, known ones updated (by id or GUID)."""
    incoming = read_qdc(path) if path.suffix.lower() in (".qdc", ".qde") else read_toml(path)
    replace = path.suffix.lower() not in (".qdc", ".qde")
    return load(project, incoming, coder, source=path.name, replace=replace)


def load(project: Project, incoming: Codebook, coder: str, source: str, replace: bool) -> dict[str, int]:
    """Merge ``incoming`` into the project's codebook in one transaction.

    With ``replace``, codes missing from ``incoming`` are removed, which is refused for
    codes that still have codings (merge or keep them first).
    """
    pdb = project.pdb
    with pdb.atomic():
        existing = {code.key: code for code in code_store.list_codes(pdb)}
        incoming = _rekey_by_guid(pdb, incoming)
        counts = {"added": 0, "updated": 0, "removed": 0}
        positions: dict[str | None, int] = {}
        for code in _parents_first(incoming.codes):
            parent_id = code_store.code_id(pdb, code.parent) if code.parent else None
            position = positions[code.parent] = positions.get(code.parent, -1) + 1
            old = existing.get(code.key)
            if old is None:
                code_store.insert_code(
                    pdb, dataclasses.replace(code, guid=code.guid or new_guid()), parent_id, position
                )
                counts["added"] += 1
                continue
            row_id = code_store.code_id(pdb, code.key)
            code_store.set_parent(pdb, row_id, parent_id, position)
            if not replace:  # an exchange format carries only name, colour and description
                code = dataclasses.replace(
                    old, name=code.name, color=code.color, description=code.description
                )
            if _content(old) != _content(dataclasses.replace(code, guid=old.guid)):
                code_store.update_code(pdb, row_id, code)
                counts["updated"] += 1
        if replace:
            counts["removed"] = _remove_missing(pdb, existing, {c.key for c in incoming.codes})
        if replace or not code_store.get_meta(pdb):
            code_store.set_meta(
                pdb,
                {
                    "name": incoming.name,
                    "version": incoming.version,
                    "language": incoming.language,
                    "description": incoming.description,
                },
            )
        _check_tree(pdb, source)
        code_store.record_event(pdb, coder, "load", "", {"file": source, **counts})
    return counts


def _parents_first(codes: tuple[Code, ...]) -> list[Code]:
    """The codes with every parent before its children, siblings in file order (a file may
    list a child first; unknown parents and cycles were refused by validation)."""
    children: dict[str | None, list[Code]] = {}
    keys = {code.key for code in codes}
    for code in codes:
        children.setdefault(code.parent if code.parent in keys else None, []).append(code)
    ordered: list[Code] = []
    pending = list(reversed(children.get(None, [])))
    while pending:
        code = pending.pop()
        ordered.append(code)
        pending.extend(reversed(children.get(code.key, [])))
    return ordered


def _content(code: Code) -> tuple[Any, ...]:
    return dataclasses.astuple(dataclasses.replace(code, codings=0, parent=None))


def _rekey_by_guid(pdb: ProjectDB, incoming: Codebook) -> Codebook:
    """Give incoming codes the ids of project codes with the same GUID."""
    mapping = {
        c.key: found for c in incoming.codes if c.guid and (found := code_store.find_by_guid(pdb, c.guid))
    }
    if not mapping:
        return incoming
    codes = tuple(
        dataclasses.replace(
            c, key=mapping.get(c.key, c.key), parent=mapping.get(c.parent, c.parent) if c.parent else None
        )
        for c in incoming.codes
    )
    return dataclasses.replace(incoming, codes=codes)


def _remove_missing(pdb: ProjectDB, existing: dict[str, Code], keep: set[str]) -> int:
    missing = [key for key in existing if key not in keep]
    used = [key for key in missing if existing[key].codings]
    if used:
        raise Conflict(
            f"codes with codings are missing from the file: {', '.join(used)}",
            "keep them in the file, or merge them into another code first",
        )
    for key in reversed(missing):  # children were listed after parents
        code_store.delete_code(pdb, code_store.code_id(pdb, key))
    return len(missing)


def _check_tree(pdb: ProjectDB, source: str) -> None:
    try:
        validate(Codebook(codes=tuple(code_store.list_codes(pdb))), source)
    except CodebookInvalid as exc:
        raise InvalidValue(exc.message) from None


def add(project: Project, code: Code, coder: str) -> None:
    """Add one code under its parent (or as a root); its id is NFC-normalised."""
    parent = nfc(code.parent) if code.parent else None
    code = dataclasses.replace(code, key=nfc(code.key), parent=parent)
    pdb = project.pdb
    with pdb.atomic():
        if code.key in {c.key for c in code_store.list_codes(pdb)}:
            raise Conflict(f"a code with id {code.key!r} already exists")
        validate(Codebook(codes=(dataclasses.replace(code, parent=None),)), "new code")
        parent_id = code_store.code_id(pdb, code.parent) if code.parent else None
        code_store.insert_code(
            pdb,
            dataclasses.replace(code, guid=code.guid or new_guid()),
            parent_id,
            code_store.next_position(pdb, parent_id),
        )
        code_store.record_event(pdb, coder, "add", code.key, {"name": code.name, "parent": code.parent})


def rename(project: Project, key: str, new_name: str, coder: str) -> None:
    """Change a code's display name; its id, GUID and codings stay."""
    if not new_name.strip():
        raise InvalidValue("a code needs a name")
    pdb = project.pdb
    with pdb.atomic():
        old = _get(pdb, key)
        code_store.update_code(
            pdb, code_store.code_id(pdb, key), dataclasses.replace(old, name=new_name.strip())
        )
        code_store.record_event(pdb, coder, "rename", key, {"from": old.name, "to": new_name.strip()})


def move(project: Project, key: str, new_parent: str | None, coder: str) -> None:
    """Put a code under another parent (None: make it a root); cycles are refused."""
    pdb = project.pdb
    with pdb.atomic():
        old = _get(pdb, key)
        row_id = code_store.code_id(pdb, key)
        parent_id = code_store.code_id(pdb, new_parent) if new_parent else None
        if parent_id is not None and (parent_id == row_id or row_id in code_store.ancestors(pdb, parent_id)):
            raise Conflict(f"cannot move {key!r} under {new_parent!r}: it would become its own ancestor")
        code_store.set_parent(pdb, row_id, parent_id, code_store.next_position(pdb, parent_id))
        code_store.record_event(pdb, coder, "move", key, {"from": old.parent, "to": new_parent})


def merge(project: Project, key: str, into: str, coder: str) -> int:
    """Merge ``key`` into ``into``: its codings and children move over, then it is removed.
    The project is backed up first (``services.backups``)."""
    if key == into:
        raise Conflict("cannot merge a code into itself")
    pdb = project.pdb
    for code in (key, into):
        code_store.code_id(pdb, code)  # an unknown code is refused before any backup is made
    backups.before_risky_change(project, "merge")
    with pdb.atomic():
        row_id, target = code_store.code_id(pdb, key), code_store.code_id(pdb, into)
        if row_id in code_store.ancestors(pdb, target):
            raise Conflict(f"cannot merge {key!r} into its own descendant {into!r}")
        moved = code_store.move_codings(pdb, row_id, target)
        memo_store.move_memo(pdb, "code", row_id, target, f"(from merged code {key})")
        for child in code_store.children_ids(pdb, row_id):
            code_store.set_parent(pdb, child, target, code_store.next_position(pdb, target))
        code_store.delete_code(pdb, row_id)
        code_store.record_event(pdb, coder, "merge", key, {"into": into, "codings_moved": moved})
    return moved


def split(project: Project, key: str, new: Code, coding_ids: list[int], coder: str) -> int:
    """Create ``new`` beside ``key`` and move the chosen codings of ``key`` to it."""
    pdb = project.pdb
    with pdb.atomic():
        old = _get(pdb, key)
        own = code_store.coding_ids_of(pdb, code_store.code_id(pdb, key))
        foreign = sorted(set(coding_ids) - own)
        if foreign:
            raise InvalidValue(f"codings {foreign} are not codings of {key!r}")
        template = dataclasses.replace(
            old, key=new.key, name=new.name, parent=new.parent or old.parent, guid="", codings=0
        )
        add(project, template, coder)
        moved = code_store.move_codings(
            pdb, code_store.code_id(pdb, key), code_store.code_id(pdb, new.key), coding_ids
        )
        code_store.record_event(pdb, coder, "split", key, {"into": new.key, "codings_moved": moved})
    return moved


def delete(project: Project, key: str, coder: str, force: bool = False) -> int:
    """Delete a code without children; with codings only when ``force`` (they go too, and
    the project is backed up first)."""
    pdb = project.pdb
    if force and code_store.coding_count(pdb, code_store.code_id(pdb, key)):
        backups.before_risky_change(project, "delete")
    with pdb.atomic():
        row_id = code_store.code_id(pdb, key)
        if code_store.children_ids(pdb, row_id):
            raise Conflict(f"code {key!r} has sub-codes; move, merge or delete them first")
        count = code_store.coding_count(pdb, row_id)
        if count and not force:
            raise Conflict(
                f"code {key!r} has {count} codings", "merge it into another code, or delete with --force"
            )
        removed = code_store.delete_codings_of(pdb, row_id)
        code_store.delete_code(pdb, row_id)
        code_store.record_event(pdb, coder, "delete", key, {"codings_deleted": removed})
    return removed


def export(project: Project, fmt: str) -> bytes:
    """The codebook as TOML or REFI-QDA .qdc bytes."""
    codebook = current(project)
    if fmt == "toml":
        return dump_toml(codebook).encode("utf-8")
    if fmt == "qdc":
        return to_qdc(codebook)
    raise InvalidValue(f"unknown codebook format {fmt!r} (use toml or qdc)")


def export_file(project: Project, fmt: str, output: Path) -> Path:
    """Write the codebook to ``output`` (TOML or .qdc) owner-only and atomically, like reports."""
    return write_private(output, export(project, fmt))


def history(project: Project) -> list[CodebookEvent]:
    """The audit trail of the codebook, oldest first."""
    return code_store.list_events(project.pdb)


def _get(pdb: ProjectDB, key: str) -> Code:
    code_store.code_id(pdb, key)
    return next(code for code in code_store.list_codes(pdb) if code.key == key)
