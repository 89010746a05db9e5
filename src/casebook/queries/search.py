"""Full-text search across every current source, by speaker turn.

Two modes over the ``turns_fts`` index (æ, ø and å are never folded: ``får`` does not
find ``far``):

- **exact**: the query's words as one phrase, in that order (case ignored);
- **forms**: each query word in any of its forms found in the index: inflections, and
  compounds ending in it (``koordinator`` finds ``barnekoordinatoren``); with several
  words, a turn must hold every one of them, in any order.

The researcher's text never reaches FTS5's query syntax: it is cut into words (letters
and digits only) and every word goes to FTS5 as a quoted string, so ``"``, ``*``,
``NEAR(`` or ``OR`` are searched for as words or dropped, never obeyed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

from casebook.errors import InvalidValue
from casebook.model.search import SearchHit, SearchResult
from casebook.model.sources import Source
from casebook.model.study import CaseKind
from casebook.queries.word_forms import FormIndex
from casebook.storage import search_store, source_store, study_store
from casebook.storage.connection import ProjectDB
from casebook.storage.search_store import TurnHit
from casebook.text import inflection

WORD = re.compile(r"[^\W_]+")
"""A word as the index's ``unicode61`` tokenizer sees it: letters and digits."""
SNIPPET = 70
"""Characters of context on each side of the first match."""

_indexes: dict[str, tuple[bytes, FormIndex]] = {}
_building = threading.Lock()
Matcher = Callable[[str], list[tuple[int, int]]]


def query_words(query: str) -> list[str]:
    """The words of a query in lower case; InvalidValue when there are none."""
    words = [w.lower() for w in WORD.findall(query)]
    if not words:
        raise InvalidValue(f"nothing to search for in {query!r}", "search for words: letters or digits")
    return words


def quoted(term: str) -> str:
    """An FTS5 string: whatever it holds is a term (or phrase), never an operator."""
    return '"' + term.replace('"', '""') + '"'


def search(
    pdb: ProjectDB,
    query: str,
    forms: bool = False,
    case: str | None = None,
    round_key: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> SearchResult:
    """A page of the turns that match ``query`` (exact phrase, or every word in any form)."""
    _check_names(pdb, case, round_key, kind)
    words = query_words(query)
    if forms:
        index = form_index(pdb)
        groups = tuple(tuple(sorted(index.forms_of(w))) for w in words)
        match = " AND ".join("(" + " OR ".join(quoted(t) for t in group) + ")" for group in groups)
        matcher = _any_of({t for group in groups for t in group})
    else:
        groups = tuple((w,) for w in words)
        match = quoted(" ".join(words))
        matcher = _phrase(words)
    if not all(groups):
        return SearchResult(query, forms, groups, 0, offset, ())
    total = search_store.count_turns(pdb, match, case, round_key, kind)
    rows = search_store.matching_turns(pdb, match, case, round_key, kind, offset, limit)
    sources = source_store.sources_by_id(pdb, {r.source_id for r in rows})
    hits = tuple(_hit(row, sources[row.source_id], matcher) for row in rows)
    return SearchResult(query, forms, groups, total, offset, hits)


def form_index(pdb: ProjectDB) -> FormIndex:
    """The word-form index of the project's vocabulary, built once and kept until the
    search index changes (reading the vocabulary walks the whole index)."""
    version = search_store.index_version(pdb)
    key = str(pdb.path)
    with _building:
        cached = _indexes.get(key)
        if cached is None or cached[0] != version:
            if len(_indexes) >= 4:
                _indexes.clear()
            cached = (version, FormIndex(search_store.index_terms(pdb)))
            _indexes[key] = cached
        return cached[1]


def prepare(pdb: ProjectDB) -> None:
    """Load the word-form dictionaries and the project's vocabulary ahead of a search
    (about a second on a large study, once). Safe to run in a thread."""
    inflection.warm_up()
    form_index(pdb)


def _check_names(pdb: ProjectDB, case: str | None, round_key: str | None, kind: str | None) -> None:
    if kind is not None and kind not in {k.value for k in CaseKind}:
        raise InvalidValue(f"no kind of case {kind!r} (kinds: {', '.join(k.value for k in CaseKind)})")
    if case is not None:
        study_store.case_id(pdb, case)
    if round_key is not None:
        study_store.round_id(pdb, round_key)


def _phrase(words: Sequence[str]) -> Matcher:
    """Where the words occur one after another in a text."""

    def find(text: str) -> list[tuple[int, int]]:
        tokens = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
        n = len(words)
        return [
            (tokens[i][0], tokens[i + n - 1][1])
            for i in range(len(tokens) - n + 1)
            if all(tokens[i + k][2] == words[k] for k in range(n))
        ]

    return find


def _any_of(terms: set[str]) -> Matcher:
    """Where any of the words occurs in a text."""

    def find(text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in WORD.finditer(text) if m.group().lower() in terms]

    return find


def _hit(row: TurnHit, source: Source, matcher: Matcher) -> SearchHit:
    """A turn as a hit: its speech without surrounding space, matches in source offsets."""
    body = row.body
    lead = len(body) - len(body.lstrip())
    start, end = row.body_start + lead, row.body_start + len(body.rstrip())
    found = matcher(body)
    matches = tuple((row.body_start + s, row.body_start + e) for s, e in found)
    first_start, first_end = (
        (matches[0][0] - row.body_start, matches[0][1] - row.body_start) if matches else (lead, lead)
    )
    left = max(lead, first_start - SNIPPET)
    right = min(len(body.rstrip()), first_end + SNIPPET)
    while left > lead and not body[left - 1].isspace():
        left -= 1
    while right < len(body.rstrip()) and not body[right].isspace():
        right += 1
    snippet = body[left:right].replace("\n", " ").replace("\t", " ")
    return SearchHit(
        source,
        start,
        end,
        row.speaker,
        row.participant,
        row.participant_code,
        row.role,
        matches,
        tuple(body[s:e] for s, e in found),
        snippet,
        row.body_start + left,
    )
