"""The codebook beside the transcript: a tree with colours, counts and a filter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from casebook.model.codes import Code, Valence

VALENCE_MARK = {Valence.HINDRER: "−", Valence.FREMMER: "+", Valence.NOYTRAL: "·"}


def code_label(code: Code, count: int | None = None) -> Text:
    """``■ name  12`` in the code's colour, with a text marker for its valence."""
    label = Text()
    label.append("■ ", style=code.color)
    label.append(code.name)
    label.append(f" {VALENCE_MARK[code.valence]}", style="dim")
    shown = code.codings if count is None else count
    if shown:
        label.append(f"  {shown}", style="bold")
    return label


def matches(code: Code, query: str) -> bool:
    """Does the filter text occur in the code's id, name or aliases?"""
    needle = query.casefold()
    return any(needle in field.casefold() for field in (code.key, code.name, *code.aliases))


class CodeTree(Tree[str]):
    """Codes as a tree; highlighting one posts CodeHighlighted, enter posts CodeChosen."""

    class CodeHighlighted(Message):
        """The cursor is on a code."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    class CodeChosen(Message):
        """The researcher pressed enter on a code."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Kodebok", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.codes: list[Code] = []

    def show_codes(self, codes: Sequence[Code], query: str = "") -> None:
        """Rebuild the tree; with a filter, show matches and their ancestors, expanded."""
        self.codes = list(codes)
        by_key = {c.key: c for c in codes}
        keep = {c.key for c in codes if not query or matches(c, query)}
        for key in list(keep):
            parent = by_key[key].parent
            while parent:
                keep.add(parent)
                parent = by_key[parent].parent if parent in by_key else None
        totals = _totals(codes)
        previous = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        nodes: dict[str | None, TreeNode[str]] = {None: self.root}
        for code in codes:
            if code.key not in keep or code.parent not in nodes:
                continue
            parent_node = nodes[code.parent]
            has_children = any(c.parent == code.key and c.key in keep for c in codes)
            node = parent_node.add(
                code_label(code, totals[code.key]),
                data=code.key,
                expand=bool(query),
                allow_expand=has_children,
            )
            if not has_children:
                node.allow_expand = False
            nodes[code.key] = node
        self.root.expand()
        keep_at = nodes.get(previous) if previous else None
        if keep_at is not None:
            ancestor = keep_at.parent
            while ancestor is not None:
                ancestor.expand()
                ancestor = ancestor.parent
            self.call_after_refresh(self.move_cursor, keep_at)
        elif len(nodes) > 1:
            self.cursor_line = 0

    def update_counts(self, codes: Sequence[Code]) -> None:
        """Refresh the labels after codings changed, without rebuilding the tree."""
        self.codes = list(codes)
        by_key = {c.key: c for c in codes}
        totals = _totals(codes)
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            code = by_key.get(node.data or "")
            if code is not None:
                node.set_label(code_label(code, totals[code.key]))
            stack.extend(node.children)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data:
            self.post_message(self.CodeHighlighted(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data and not event.node.allow_expand:
            self.post_message(self.CodeChosen(event.node.data))


def _totals(codes: Sequence[Code]) -> dict[str, int]:
    """Codings per code including its sub-codes."""
    totals = {c.key: c.codings for c in codes}
    for code in reversed(codes):
        if code.parent in totals:
            totals[code.parent] += totals[code.key]
    return totals
