"""Property tests for the text invariants every span offset relies on.

Stored text is normalised once and never changes; turns tile it exactly; what the
project file holds (text, turn offsets, full-text index) is what the splitter computed.
"""

from __future__ import annotations

import itertools
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from casebook.importing.subtitles import read_subtitles
from casebook.model.sources import Turn
from casebook.model.study import InterviewMeta
from casebook.services.importer import ImportItem, ImportOutcome, import_files
from casebook.services.project import Project
from casebook.services.study import load_study
from casebook.text.normalize import normalize, sha256_of
from casebook.text.turns import compile_speaker_pattern, split_turns, unrecognised_labels
from tests.conftest import write_study

FAST = settings(max_examples=200, deadline=None, derandomize=True)
DB = settings(max_examples=100, deadline=None, derandomize=True)

# ---------------------------------------------------------------- strategies

LINE_BREAKS = ["\r", "\r\n", "\n", "\n\n", "\u2028", "\u2029", "\x85"]
TRICKY = [
    *LINE_BREAKS,
    "\ufeff",
    "\u0301",  # combining acute
    "\u030a",  # combining ring above
    "e\u0301",
    "A\u030a",  # decomposed Å
    "\u212b",  # ANGSTROM SIGN, NFC -> Å
    "\u1e9b\u0323",  # NFC changes it but does not make it one character
    "Æ",
    "ø",
    "å",
    "\t",
    " ",
]
tricky_text = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(TRICKY)), max_size=30).map("".join)
any_text = st.one_of(
    st.text(),
    tricky_text,
    st.builds(str.__add__, st.sampled_from(["\ufeff", "\ufeff\ufeff", "\ufeff\u0301"]), tricky_text),
)

# Characters a .txt transcript may really hold: no control characters (the decoder
# rightly refuses them), no surrogates; but every kind of line break and mark.
file_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t\n\r\x0c")
file_words = st.text(file_chars, max_size=40)

LABELS = [
    "I",
    "Int",
    "Intervjuer",
    "Mor",
    "Far",
    "Forelder 4a",
    "F1",
    "Barn",
    "Merknad",
    "Lærer",
    "Saksbehandler NAV",
    "x",
    "Mor (11a)",
    "Far(11b)",
    "Forelder 2",
    "F2",
    "Lærer (P3)",
    "Mor (",
]
STAMPS = ["", "[00:12:03] ", "00:12:03 ", "[12:03] ", "[1:02:03.5]", "  ", "\t"]
SEPARATORS = [":", " :", "\t:", " -", " – ", "\t-", "-"]


def speaker_lines(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda stamp, label, separator, body: f"{stamp}{label}{separator}{body}",
        st.sampled_from(STAMPS),
        st.sampled_from(LABELS),
        st.sampled_from(SEPARATORS),
        st.one_of(words.map(lambda w: " " + w), words, st.just("")),
    )


def transcripts(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Random text mixed with speaker tags, timestamps, blank lines and odd line breaks."""
    line = st.one_of(
        speaker_lines(words),
        speaker_lines(words),
        words,
        st.sampled_from(["", " ", "\t", "  \t"]),
    )
    return st.builds(
        lambda lines, breaks, tail: (
            "".join(line + brk for line, brk in zip(lines, itertools.cycle(breaks), strict=False)) + tail
        ),
        st.lists(line, max_size=20),
        st.lists(st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\n \n", "\u2028"]), min_size=1, max_size=5),
        st.sampled_from(["", "\n", "\n\n"]),
    )


# ---------------------------------------------------------------- helpers


def assert_tiles(text: str, turns: tuple[Turn, ...] | list[Turn]) -> None:
    """Turns cover ``text`` exactly, in order, without gaps, overlaps or empty turns."""
    if not text:
        assert not turns
        return
    assert turns, "non-empty text must have at least one turn"
    assert turns[0].start == 0
    assert turns[-1].end == len(text)
    for turn, following in itertools.pairwise(turns):
        assert turn.end == following.start, (turn, following)
    for turn in turns:
        assert turn.start < turn.end, turn
        assert turn.start <= turn.body_start <= turn.end, turn


# ---------------------------------------------------------------- normalize


@FAST
@given(any_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@FAST
@given(any_text)
def test_normalize_leaves_only_newlines_in_nfc(text: str) -> None:
    out = normalize(text)
    for brk in ("\r", "\u2028", "\u2029", "\x85"):
        assert brk not in out
    assert not out.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", out)


@FAST
@given(st.lists(st.sampled_from(LINE_BREAKS), max_size=10))
def test_normalize_counts_line_breaks(breaks: list[str]) -> None:
    """Each break is one newline, except the paragraph separator which is a blank line."""
    out = normalize("a" + "b".join(breaks) + "c")
    expected = sum(2 if brk in ("\n\n", "\u2029") else 1 for brk in breaks)
    assert out.count("\n") == expected


# ---------------------------------------------------------------- split_turns


def test_empty_text_has_no_turns() -> None:
    assert split_turns("") == ()


@FAST
@given(st.one_of(transcripts(st.text(max_size=40)), any_text))
def test_split_turns_tiles_normalised_text(raw: str) -> None:
    text = normalize(raw)
    assert_tiles(text, split_turns(text))


NEW_FORMS = (
    "Intervju.\nI: Hei.\nMor (11a): Hei.\nForelder 2: Ja.\nF1 - Nei.\nF2 – Kanskje.\n"
    "[00:01:02] F2: Ok.\nMerknad: slutt\nMor (\nF1 -\nDet var bra - men\n"
)


@FAST
@given(transcripts(file_words))
@example(NEW_FORMS)
@example("F1 - a\nF2 -\nF1 – \n[00:01:02] F2 - b")
def test_turn_speakers_are_what_the_tag_says(raw: str) -> None:
    text = normalize(raw)
    for turn in split_turns(text):
        if turn.speaker is None:
            continue
        head = text[turn.start : turn.body_start]
        assert turn.speaker in head
        assert head.rstrip(" \t").endswith((":", " -", " –", "\t-", "\t–"))
        assert "\n" not in head


@FAST
@given(transcripts(st.text(max_size=40)), st.sampled_from([(), ("Merknad", "x", "Mor (", "Lærer (P3)")]))
@example(NEW_FORMS, ("Merknad",))
def test_split_turns_with_mapped_labels_tiles(raw: str, labels: tuple[str, ...]) -> None:
    text = normalize(raw)
    assert_tiles(text, split_turns(text, labels=labels))


@FAST
@given(transcripts(file_words))
@example(NEW_FORMS)
def test_unrecognised_labels_are_line_starts_that_start_no_speaker_turn(raw: str) -> None:
    text = normalize(raw)
    turns = split_turns(text)
    speaker_starts = {t.start for t in turns if t.speaker is not None}
    for found in unrecognised_labels(text, turns):
        assert found.offset == 0 or text[found.offset - 1] == "\n"
        assert found.offset not in speaker_starts
        assert found.line == text.count("\n", 0, found.offset) + 1
        assert found.label in text[found.offset :].split("\n", 1)[0]


PATTERNS = [
    r"^(?P<speaker>[A-ZÆØÅ][\w ]{0,20}):",
    r"^\[(?P<ts>[\d:.]+)\] (?P<speaker>\w+):",
    r"^(?P<speaker>\w+)\t",
    r"(?P<speaker>Mor|Far):",  # may match mid-line: only line starts count
]


@FAST
@given(transcripts(st.text(max_size=40)), st.sampled_from(PATTERNS))
def test_split_turns_with_own_pattern_tiles(raw: str, pattern: str) -> None:
    text = normalize(raw)
    assert_tiles(text, split_turns(text, compile_speaker_pattern(pattern)))


@dataclass
class _Cue:
    start: int
    speaker: str
    words: str


cues = st.lists(
    st.builds(
        _Cue,
        st.integers(0, 3 * 3600 * 1000),
        st.sampled_from(["", "Mor", "Far", "I", "Forelder 4a"]),
        st.text(file_chars, min_size=1, max_size=30),
    ),
    min_size=1,
    max_size=12,
)


def _stamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


@FAST
@given(cues, st.booleans())
def test_subtitle_turns_tile_their_text(generated: list[_Cue], voice_tags: bool) -> None:
    blocks = ["WEBVTT"]
    for cue in generated:
        words = cue.words
        if cue.speaker:
            words = f"<v {cue.speaker}>{words}" if voice_tags else f"{cue.speaker}: {words}"
        blocks.append(f"{_stamp(cue.start)} --> {_stamp(cue.start + 999)}\n{words}")
    raw = "\n\n".join(blocks) + "\n"
    assume(any(c.words.strip() for c in generated))
    doc = read_subtitles(raw, Path("x.vtt"), "vtt")
    assert doc.turns is not None
    assert normalize(doc.text) == doc.text
    assert_tiles(doc.text, doc.turns)


# ---------------------------------------------------------------- a real project file


@dataclass
class Shared:
    """One project per module: creating one per example would be far too slow."""

    project: Project
    folder: Path
    conn: sqlite3.Connection
    names: Iterator[int]

    def write(self, text: str, stem: str | None = None) -> Path:
        path = self.folder / f"{stem or f't{next(self.names)}'}.txt"
        path.write_bytes(text.encode("utf-8"))
        return path

    def load(self, path: Path) -> ImportOutcome:
        report = import_files(self.project, [ImportItem(path, InterviewMeta("F01", "R1"))])
        assert len(report.outcomes) == 1
        return report.outcomes[0]

    def counts(self) -> dict[str, int]:
        tables = [
            name
            for (name,) in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: self.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp("properties")
    path = folder / "egenskaper.casebook"
    with Project.create(path, "Egenskaper") as project:
        load_study(project, write_study(folder))
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, turns_fts, instance)")
        try:
            yield Shared(project, folder, conn, itertools.count())
        finally:
            conn.close()


def importable(text: str) -> bool:
    """What the readers accept as a transcript (anything else is refused, see test_bad_input)."""
    normal = normalize(text)
    return bool(normal.strip()) and not normal.startswith(("%PDF", "{\\rtf"))


def indexed_tokens(conn: sqlite3.Connection, rowids: list[int]) -> list[tuple[str, int, int]]:
    marks = ",".join("?" * len(rowids))
    rows = conn.execute(f"SELECT term, doc, offset FROM vocab WHERE doc IN ({marks})", rowids)
    return sorted(rows)


def expected_tokens(bodies: dict[int, str]) -> list[tuple[str, int, int]]:
    """Index the expected turn bodies with the project's own FTS definition, in memory."""
    mem = sqlite3.connect(":memory:")
    try:
        mem.execute(
            "CREATE VIRTUAL TABLE f USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')"
        )
        mem.executemany("INSERT INTO f (rowid, body) VALUES (?, ?)", bodies.items())
        mem.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, f, instance)")
        return sorted(mem.execute("SELECT term, doc, offset FROM v"))
    finally:
        mem.close()


@DB
@given(st.one_of(transcripts(file_words), st.text(file_chars, max_size=200)))
def test_stored_text_turns_and_index_are_what_the_splitter_computed(shared: Shared, raw: str) -> None:
    assume(importable(raw))
    outcome = shared.load(shared.write(raw))
    text = normalize(raw)

    stored, chars, sha = shared.conn.execute(
        "SELECT text, chars, sha256 FROM sources WHERE id = ?", [outcome.source_id]
    ).fetchone()
    assert stored == text
    assert chars == len(text)
    assert sha == sha256_of(text)

    rows = shared.conn.execute(
        'SELECT id, start, "end", body_start, speaker, timestamp_ms FROM turns'
        " WHERE source_id = ? ORDER BY seq",
        [outcome.source_id],
    ).fetchall()
    stored_turns = [Turn(start, end, body, speaker, ts) for _, start, end, body, speaker, ts in rows]
    assert stored_turns == list(split_turns(text))
    assert_tiles(stored, stored_turns)
    assert "".join(stored[t.start : t.end] for t in stored_turns) == stored

    bodies = {row[0]: stored[row[3] : row[2]] for row in rows}
    assert indexed_tokens(shared.conn, list(bodies)) == expected_tokens(bodies)


@DB
@given(transcripts(file_words), transcripts(file_words))
def test_reimport_is_a_no_op_and_changes_make_a_new_version(shared: Shared, first: str, second: str) -> None:
    number = next(shared.names)
    marker = f"Intervju nr. {number}\n"  # keeps this example's texts apart from all others
    old, new = marker + first, marker + second
    assume(normalize(old) != normalize(new))
    path = shared.write(old, stem=f"v{number}")

    one = shared.load(path)
    assert (one.status, one.version, one.name) == ("new", 1, f"v{number}")
    counts = shared.counts()
    (v1_bytes,) = shared.conn.execute(
        "SELECT CAST(text AS BLOB) FROM sources WHERE id = ?", [one.source_id]
    ).fetchone()

    again = shared.load(path)
    assert (again.status, again.source_id, again.version) == ("unchanged", one.source_id, 1)
    assert shared.counts() == counts

    path.write_bytes(new.encode("utf-8"))
    two = shared.load(path)
    assert (two.status, two.version, two.name) == ("version", 2, f"v{number}")
    assert two.source_id != one.source_id
    v1 = shared.conn.execute(
        "SELECT CAST(text AS BLOB), sha256, version FROM sources WHERE id = ?", [one.source_id]
    ).fetchone()
    assert v1 == (v1_bytes, sha256_of(normalize(old)), 1)
    assert v1_bytes == normalize(old).encode("utf-8")
    v2_text, previous = shared.conn.execute(
        "SELECT text, previous_id FROM sources WHERE id = ?", [two.source_id]
    ).fetchone()
    assert (v2_text, previous) == (normalize(new), one.source_id)
    current = [s.id for s in shared.project.sources() if s.name == f"v{number}"]
    assert current == [two.source_id]
