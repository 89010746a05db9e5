"""What matrices and co-occurrence share: the code tree and the sources in scope."""

from __future__ import annotations

from casebook.errors import NotFound
from casebook.model.study import CaseKind
from casebook.storage import matrix_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.matrix_store import CodeNode, ScopedSource


class CodeTree:
    """The codebook as a tree built from ``parent_id`` only, in codebook order."""

    def __init__(self, nodes: list[CodeNode]) -> None:
        self.by_id = {n.id: n for n in nodes}
        self.by_key = {n.key: n for n in nodes}
        children: dict[int | None, list[CodeNode]] = {}
        for node in nodes:
            parent = node.parent_id if node.parent_id in self.by_id else None
            children.setdefault(parent, []).append(node)
        self.order: list[CodeNode] = []
        self.depth: dict[int, int] = {}
        self.root_of: dict[int, int] = {}
        stack = [(n, 0, n.id) for n in reversed(children.get(None, []))]
        while stack:
            node, depth, root = stack.pop()
            if node.id in self.depth:
                continue  # a cycle in a damaged file: each code is visited once
            self.order.append(node)
            self.depth[node.id] = depth
            self.root_of[node.id] = root
            stack.extend((c, depth + 1, root) for c in reversed(children.get(node.id, [])))
        self.position = {n.id: i for i, n in enumerate(self.order)}

    def node(self, key: str) -> CodeNode:
        """The code ``key``, or NotFound."""
        found = self.by_key.get(key)
        if found is None:
            raise NotFound(f"no code {key!r} in the codebook", "list codes with: casebook codebook show")
        return found

    def ancestors_and_self(self, code_id: int) -> list[int]:
        """The code and every code above it, up to its root."""
        out: list[int] = []
        current: int | None = code_id
        while current is not None and current in self.by_id and current not in out:
            out.append(current)
            current = self.by_id[current].parent_id
        return out

    def subtree(self, code_id: int) -> list[CodeNode]:
        """The code and every code below it, in codebook order."""
        return [n for n in self.order if code_id in self.ancestors_and_self(n.id)]

    def parent_key(self, code_id: int) -> str | None:
        """The key of the code's parent (None for a root)."""
        parent = self.by_id[code_id].parent_id
        return self.by_id[parent].key if parent in self.by_id else None


def code_tree(pdb: ProjectDB) -> CodeTree:
    """The project's codebook as a tree."""
    return CodeTree(matrix_store.code_nodes(pdb))


def coder_id(pdb: ProjectDB, name: str | None) -> int | None:
    """The coder's row id (None: everyone), or NotFound naming the project's coders."""
    if name is None:
        return None
    found = matrix_store.coder_id(pdb, name)
    if found is None:
        known = ", ".join(matrix_store.coder_names(pdb)) or "none yet"
        raise NotFound(f"no coder {name!r} in this project (coders: {known})")
    return found


def sources_in_scope(
    pdb: ProjectDB, kind: CaseKind | None, round_key: str | None, need_case: bool
) -> list[ScopedSource]:
    """Current sources of cases of ``kind`` in ``round_key`` (None: any). Sources without
    a case are kept only when nothing asks for a case (``need_case`` False, no kind, no round)."""
    if round_key is not None:
        study_store.round_id(pdb, round_key)  # NotFound with the known rounds
    keep_uncased = not need_case and kind is None and round_key is None
    return [
        s
        for s in matrix_store.current_sources(pdb)
        if (s.case is not None or keep_uncased)
        and (kind is None or s.kind == kind.value)
        and (round_key is None or s.round == round_key)
    ]
