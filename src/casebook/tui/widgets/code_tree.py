"""The codebook beside the transcript: a tree with colours, counts and a filter.

Counts include sub-codes. Told whose codings they are, a node reads ``8+4``: 8 by the
coder, 4 by other coders. Labels fit the panel: a long name is shortened with … so that
the count is never cut."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from casebook.model.codes import Code, Valence
from casebook.model.counts import CodeCount
from casebook.tui import strings
from casebook.tui.strings import shown

VALENCE_MARK = {Valence.HINDRER: "−", Valence.FREMMER: "+", Valence.NOYTRAL: "·"}
_TOGGLE = Style.from_meta({"toggle": True})  # a click on the arrow opens or closes the node


def code_label(code: Code, count: int | None = None) -> Text:
    """``■ name −  12`` in the code's colour, with a text marker for its valence."""
    label = Text()
    label.append("■ ", style=code.color)
    label.append(shown(code.name, one_line=True))
    label.append(f" {VALENCE_MARK[code.valence]}", style="dim")
    number = code.codings if count is None else count
    if number:
        label.append(f"  {number}", style="bold")
    return label


def count_label(count: CodeCount | None, total: int) -> Text:
    """``8+4`` (yours bold, the others' dim) when known whose; else the ``total``; empty at 0."""
    if count is None:
        return Text(str(total), style="bold") if total else Text()
    if not count.total:
        return Text()
    text = Text(str(count.mine), style="bold")
    if count.others:
        text.append(f"+{count.others}", style="dim")
    return text


def fitted_label(code: Code, count: Text, room: int | None) -> Text:
    """The code's label in ``room`` cells, count at the right; the name gives way first."""
    name = shown(code.name, one_line=True)
    mark = f" {VALENCE_MARK[code.valence]}"
    fixed = 2 + len(mark) + (2 + count.cell_len if count else 0)
    if room is not None and fixed + cell_len(name) > room:
        cut = Text(name)
        cut.truncate(max(1, room - fixed), overflow="ellipsis")
        name = cut.plain
    label = Text()
    label.append("■ ", style=code.color)
    label.append(name)
    label.append(mark, style="dim")
    if count:
        gap = max(2, room - label.cell_len - count.cell_len) if room is not None else 2
        label.append(" " * gap)
        label.append_text(count)
    return label


def matches(code: Code, query: str) -> bool:
    """Does the filter text occur in the code's id, name or aliases?"""
    needle = query.casefold()
    return any(needle in field.casefold() for field in (code.key, code.name, *code.aliases))


class CodeTree(Tree[str]):
    """Codes as a tree; highlighting one posts CodeHighlighted, enter posts CodeChosen."""

    DEFAULT_CSS = """
    CodeTree { scrollbar-gutter: stable; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "expand_code", "Expand", show=False, id="tree.expand", tooltip="Show the sub-codes"),
        Binding(
            "left",
            "collapse_code",
            "Collapse",
            show=False,
            id="tree.collapse",
            tooltip="Hide the sub-codes, or go to the parent code",
        ),
    ]

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
        self.codes: list[Code] = []
        self._by_key: dict[str, Code] = {}
        self._others: dict[str, int] | None = None
        self._counts: dict[str, Text] = {}
        self._going_to: str | None = None
        super().__init__(strings.CODEBOOK, id=id)
        self.show_root = False
        self.guide_depth = 2
        self.tooltip = "Codings per code, sub-codes included"

    def show_codes(
        self, codes: Sequence[Code], query: str = "", counts: Mapping[str, CodeCount] | None = None
    ) -> None:
        """Rebuild the tree; with a filter, show matches and their ancestors, expanded.

        ``counts`` (per code, sub-codes not included) splits the counts into the coder's and
        the others'; without it the split given last stays, the coder's share following
        ``Code.codings`` (the coding screen bumps it when the coder codes)."""
        self._set_counts(codes, counts)
        by_key = self._by_key
        keep = {c.key for c in codes if not query or matches(c, query)}
        for key in list(keep):
            parent = by_key[key].parent
            while parent:
                keep.add(parent)
                parent = by_key[parent].parent if parent in by_key else None
        previous = self.current_key
        opened = {node.data for node in self.code_nodes() if node.is_expanded}
        self.clear()
        nodes: dict[str | None, TreeNode[str]] = {None: self.root}
        for code in codes:
            if code.key not in keep or code.parent not in nodes:
                continue
            has_children = any(c.parent == code.key and c.key in keep for c in codes)
            expand = bool(query) or code.key in opened  # a rebuild keeps open codes open
            node = nodes[code.parent].add(
                code_label(code, 0), data=code.key, expand=expand, allow_expand=has_children
            )
            nodes[code.key] = node
        self.root.expand()
        if previous and previous in nodes:
            self.go_to(previous)
        elif len(nodes) > 1:
            self.cursor_line = 0

    def update_counts(self, codes: Sequence[Code], counts: Mapping[str, CodeCount] | None = None) -> None:
        """Refresh the labels after codings changed, without rebuilding the tree."""
        self._set_counts(codes, counts)
        for node in self.code_nodes():
            code = self._by_key.get(node.data or "")
            if code is not None:
                node.set_label(code_label(code, 0))  # redraws the line with the new count

    def code_nodes(self) -> list[TreeNode[str]]:
        """Every code node, open or closed."""
        found, stack = [], list(self.root.children)
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children)
        return found

    @property
    def current_key(self) -> str | None:
        """The code under the cursor, or the one it is about to move to."""
        if self._going_to is not None:
            return self._going_to
        return self.cursor_node.data if self.cursor_node is not None else None

    def go_to(self, key: str) -> None:
        """Put the cursor on a code, opening its ancestors (the last call wins)."""
        node = next((n for n in self.code_nodes() if n.data == key), None)
        if node is None:
            return
        ancestor = node.parent
        while ancestor is not None:
            ancestor.expand()
            ancestor = ancestor.parent
        self._going_to = key
        self.call_after_refresh(self._arrive)

    def _arrive(self) -> None:
        """Move the cursor once the tree has its lines (nodes may have been rebuilt since)."""
        key, self._going_to = self._going_to, None
        node = next((n for n in self.code_nodes() if n.data == key), None) if key else None
        if node is not None:
            self.move_cursor(node)

    def count_of(self, key: str) -> tuple[CodeCount | None, CodeCount | None]:
        """Whose codings a code has, (its own, with its sub-codes); None when not known."""
        if self._others is None:
            return None, None
        own, below = _split(self.codes, self._others)
        return own.get(key), below.get(key)

    def _set_counts(self, codes: Sequence[Code], counts: Mapping[str, CodeCount] | None) -> None:
        self.codes = list(codes)
        self._by_key = {c.key: c for c in codes}
        if counts is not None:
            self._others = {key: count.others for key, count in counts.items()}
        if self._others is None:
            totals = _totals(codes)
            self._counts = {key: count_label(None, total) for key, total in totals.items()}
        else:
            _, below = _split(codes, self._others)
            self._counts = {key: count_label(count, count.total) for key, count in below.items()}

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """A code's label fitted to the width left beside the guides, count at the right."""
        code = self._by_key.get(node.data or "")
        if code is None:
            return super().render_label(node, base_style, style)
        prefix = ""
        if node.allow_expand:
            prefix = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        room = self._room(node)
        label = fitted_label(code, self._counts.get(code.key, Text()), room - len(prefix) if room else None)
        label.stylize(style)
        return Text.assemble((prefix, base_style + _TOGGLE), label)

    def _room(self, node: TreeNode[str]) -> int | None:
        """Cells for a node's label (None before the tree has a size)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return None
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        return max(8, width - depth * self.guide_depth)

    def action_expand_code(self) -> None:
        """Right arrow: open the code's sub-codes; on an open code, go to its first."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_code(self) -> None:
        """Left arrow: close the code's sub-codes; on a closed code, go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

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


def _split(
    codes: Sequence[Code], others: Mapping[str, int]
) -> tuple[dict[str, CodeCount], dict[str, CodeCount]]:
    """Per code, (its own codings, with its sub-codes) split into the coder's and the others';
    the coder's are what ``Code.codings`` has beyond the others'."""
    own = {}
    for code in codes:
        theirs = min(others.get(code.key, 0), code.codings)
        own[code.key] = CodeCount(code.codings - theirs, theirs)
    below = dict(own)
    for code in reversed(codes):  # parents come before children: sum bottom-up
        if code.parent in below:
            below[code.parent] = below[code.parent] + below[code.key]
    return own, below
