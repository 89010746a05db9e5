"""Markdown: headings per code, excerpts as block quotes with their label, tables as pipes.

All user text (excerpts, memos, names of codes) is escaped, so ``[latter]``, ``*`` or a
line starting with ``#`` shows as written and never turns into markup. No timestamps
unless the report carries one: the same report gives the same bytes.
"""

from __future__ import annotations

import re

from casebook.reports.model import (
    Block,
    Bullets,
    Chapter,
    Excerpt,
    Matrix,
    Paragraph,
    Report,
    Section,
    distinct_quotes,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """One line of user text, safe as Markdown."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    match = _LINE_START.match(escaped)
    if match is None:
        return escaped
    lead, token = match.groups()
    if token.isdigit():
        rest = escaped[match.end() :]
        return f"{lead}{token}\\{rest}"
    return f"{lead}\\{escaped[len(lead) :]}"


def _paragraphs(text: str) -> list[str]:
    """Lines of a text, with runs of blank lines collapsed to one."""
    out: list[str] = []
    for line in text.strip().split("\n"):
        if line.strip() or (out and out[-1] != ""):
            out.append(line.rstrip())
    return out


def _quote(excerpt: Excerpt, memos: bool) -> list[str]:
    lines = [f"> {escape(line)}" if line else ">" for line in _paragraphs(excerpt.text)] or [">"]
    lines[-1] = f"{lines[-1]} ({escape(excerpt.label)})"
    if memos and excerpt.memo.strip():
        lines += ["", f"*Memo:* {escape(' '.join(excerpt.memo.split()))}"]
    return [*lines, ""]


def _about(definition: str, use_when: str, not_when: str, memo: str, memos: bool) -> list[str]:
    out = []
    for title, text in (("Definisjon", definition), ("Brukes når", use_when), ("Brukes ikke når", not_when)):
        if text.strip():
            out += [f"**{title}:** {escape(' '.join(text.split()))}", ""]
    if memos and memo.strip():
        out += [f"*Memo:* {escape(' '.join(memo.split()))}", ""]
    return out


def _excerpts(excerpts: tuple[Excerpt, ...], memos: bool) -> list[str]:
    if not excerpts:
        return ["*Ingen utdrag.*", ""]
    return [line for e in distinct_quotes(excerpts) for line in _quote(e, memos)]


def _block(block: Block) -> list[str]:
    """Running text, a list or a table; every piece of text escaped."""
    if isinstance(block, Paragraph):
        text = " ".join(escape(line) for line in _paragraphs(block.text))
        return [f"*{text}*" if block.note and text else text, ""]
    if isinstance(block, Bullets):
        return [*(f"- {escape(' '.join(item.split()))}" for item in block.items), ""]
    title = [f"**{escape(block.title)}**", ""] if block.title else []
    rows = [[escape(" ".join(c.split())) for c in row] for row in block.rows]
    out = ["| " + " | ".join(escape(h) for h in block.headers) + " |"]
    out.append("|" + "|".join(["---"] * len(block.headers)) + "|")
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*title, *out, ""]


def _section(section: Section, memos: bool) -> list[str]:
    hashes = "#" * min(6, section.level + 1)
    lines = [f"{hashes} {escape(section.name)}", ""]
    lines += _about(section.definition, section.use_when, section.not_when, section.memo, memos)
    lines += [line for block in section.body for line in _block(block)]
    if section.body and not section.excerpts:
        return lines
    return lines + _excerpts(section.excerpts, memos)


def _chapter(chapter: Chapter, memos: bool) -> list[str]:
    lines = [f"## {escape(chapter.title)}", ""]
    lines += _about(chapter.definition, "", "", chapter.memo, memos)
    lines += [line for block in chapter.body for line in _block(block)]
    if chapter.excerpts:
        lines += _excerpts(chapter.excerpts, memos)
    for section in chapter.sections:
        lines += _section(section, memos)
    return lines


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(escape(h) for h in headers) + " |"]
    out.append("|" + "|".join(["---", *["---:"] * (len(headers) - 1)]) + "|")
    out += ["| " + " | ".join(escape(c) if i == 0 else c for i, c in enumerate(row)) + " |" for row in rows]
    return [*out, ""]


def _matrix(matrix: Matrix) -> list[str]:
    rows = [[name, *(str(n) for n in counts)] for name, counts in matrix.rows]
    return [f"### {escape(matrix.title)}", "", *_table(["Kode", *matrix.columns], rows)]


def render_md(report: Report) -> bytes:
    """The report as Markdown (UTF-8)."""
    lines = [f"# {escape(report.title)}", ""]
    for fact in report.facts:
        lines += [escape(fact), ""]
    if report.chart is not None or report.matrix is not None:
        lines += ["## Oversikt", ""]
        if report.chart is not None:
            rows = [[name, str(count)] for name, count in report.chart.bars]
            lines += [f"### {escape(report.chart.title)}", "", *_table(["Kode", "Utdrag"], rows)]
        if report.matrix is not None:
            lines += _matrix(report.matrix)
    for chapter in report.chapters:
        lines += _chapter(chapter, report.memos)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
