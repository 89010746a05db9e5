"""Full-text search across sources: æ, ø and å stay letters of their own, word forms and
compounds are found, and nothing a researcher types is obeyed as FTS5 syntax.

Expected counts come from the stored transcript texts read with plain regular
expressions (speaker tags such as ``Far:`` are not speech and are left out), never
from the search index.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.errors import InvalidValue, NotFound
from casebook.model.search import SearchResult
from casebook.model.study import InterviewMeta
from casebook.queries import search as full_text
from casebook.queries.word_forms import FormIndex
from casebook.services import retrieval
from casebook.services.importer import ImportItem, import_files
from casebook.services.project import Project
from casebook.storage import search_store
from casebook.text.inflection import is_form_of
from tests.conftest import fingerprint


@pytest.fixture
def opened(demo: Path) -> Iterator[Project]:
    with Project.open(demo) as project:
        yield project


def _texts(project: Project) -> dict[str, str]:
    return {s.name: project.source_text(s) for s in project.sources()}


def _spoken(project: Project, pattern: str) -> Counter[str]:
    """Occurrences (lower case) of a whole-word ``pattern`` in the speech of every current
    source: matches that are a speaker tag at the start of a line (``Far:``) do not count."""
    found: Counter[str] = Counter()
    for text in _texts(project).values():
        for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.I):
            tag = (m.start() == 0 or text[m.start() - 1] == "\n") and text[m.end() : m.end() + 1] == ":"
            if not tag:
                found[m.group().lower()] += 1
    return found


def _everything(project: Project, query: str, forms: bool = False, **filters: str) -> SearchResult:
    return retrieval.search(project, query, forms, limit=None, **filters)  # type: ignore[arg-type]


def _matched(result: SearchResult) -> Counter[str]:
    return Counter(word.lower() for hit in result.hits for word in hit.matched)


# ---- æ, ø and å ----


def test_får_never_finds_far_and_far_never_får(opened: Project) -> None:
    får, far = _spoken(opened, "får"), _spoken(opened, "far")
    assert får["får"] > 30 and far["far"] > 5
    assert _matched(_everything(opened, "får")) == får
    assert _matched(_everything(opened, "far")) == far
    assert _matched(_everything(opened, "Får")) == får  # case is ignored, the ring is not
    for forms in (False, True):
        assert "far" not in _matched(_everything(opened, "får", forms))
        assert "får" not in _matched(_everything(opened, "far", forms))


def test_både_never_finds_bade(opened: Project) -> None:
    assert _matched(_everything(opened, "både")) == _spoken(opened, "både") == Counter({"både": 2})
    assert _everything(opened, "bade").total == 0
    with_forms = _everything(opened, "bade", forms=True)
    assert "både" not in {t for group in with_forms.terms for t in group}
    assert "både" not in _matched(with_forms)


# ---- exact words and phrases ----


def test_a_phrase_is_its_words_in_that_order(opened: Project) -> None:
    found = _everything(opened, "bar bakke")
    assert found.total == len(found.hits) == 1
    (hit,) = found.hits
    text = opened.source_text(hit.source)
    assert hit.source.name == "F01_R1_foreldre" and hit.participant == "Forelder 1a"
    assert [text[s:e] for s, e in hit.matches] == ["bar bakke"] == list(hit.matched)
    assert hit.start <= hit.matches[0][0] and hit.matches[0][1] <= hit.end
    assert (
        not text[hit.start : hit.end].startswith("Mor:")
        and text[hit.start : hit.end] == text[hit.start : hit.end].strip()
    )
    assert "bar bakke" in hit.snippet
    assert _everything(opened, "bakke bar").total == 0


def test_exact_mode_finds_only_the_word_itself(opened: Project) -> None:
    assert _matched(_everything(opened, "koordinator")) == _spoken(opened, "koordinator")


# ---- word forms and compounds ----


def test_word_forms_find_inflections_and_compounds_ending_in_the_word(opened: Project) -> None:
    found = _everything(opened, "koordinator", forms=True)
    (terms,) = found.terms
    assert {"koordinator", "koordinatoren", "koordinatorer", "barnekoordinator", "barnekoordinatoren"} <= set(
        terms
    )
    # a compound that merely starts with the word is about something else
    assert not {"koordinatorrollen", "koordinatorordningen", "barnekoordinatorkommune"} & set(terms)
    assert _matched(found) == _spoken(opened, r"(?:barne)?koordinator(?:en|er|ene|ens)?")
    assert found.total > _everything(opened, "koordinator").total


def test_several_words_in_any_form_must_share_a_turn(opened: Project) -> None:
    found = _everything(opened, "møteplass kommune", forms=True)
    assert found.total > 0
    for hit in found.hits:
        words = {w.lower() for w in hit.matched}
        assert words & set(found.terms[0]) and words & set(found.terms[1])


def test_the_vocabulary_index_agrees_with_the_word_form_rule(opened: Project) -> None:
    vocabulary = search_store.index_terms(opened.pdb)
    index = FormIndex(vocabulary)
    for query in [
        "koordinator",
        "møteplass",
        "får",
        "far",
        "plan",
        "engel",
        "ansvarsgruppe",
        "bade",
        "taushetsplikt",
    ]:
        assert index.forms_of(query) == {w for w in vocabulary if is_form_of(w, query)}, query


def test_a_new_transcript_is_searchable_by_word_form_at_once(opened: Project, tmp_path: Path) -> None:
    assert "superkoordinatoren" not in _everything(opened, "koordinator", forms=True).terms[0]
    new = tmp_path / "F01_R3_ekstra.txt"
    new.write_text(
        "I: Hvem hjelper dere?\n\nMor: Superkoordinatoren vår, hun ordner alt.\n", encoding="utf-8"
    )
    import_files(opened, [ImportItem(new, InterviewMeta(case="F01", round="R3"))])
    found = _everything(opened, "koordinator", forms=True)
    assert "superkoordinatoren" in found.terms[0]
    assert any(h.source.name == "F01_R3_ekstra" and h.matched == ("Superkoordinatoren",) for h in found.hits)


def test_word_forms_work_on_a_project_opened_read_only(demo: Path) -> None:
    before = fingerprint(demo)
    with Project.open_readonly(demo) as project:
        assert retrieval.search(project, "møteplass", forms=True).total > 0
    assert fingerprint(demo) == before


# ---- what the researcher types is data ----

HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "OR",
    "koordinator OR far",
    "ansvar*",
    '"bar" NEAR("bakke")',
    "body:far",
    "^far",
    "-far",
    "NOT far",
    "far AND",
    "(far",
    "{body} : far",
    "far'; DROP TABLE turns; --",
]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("forms", [False, True])
def test_fts_syntax_in_a_query_is_never_obeyed(opened: Project, query: str, forms: bool) -> None:
    try:
        found = _everything(opened, query, forms)
    except InvalidValue as exc:
        assert "nothing to search for" in exc.message and not re.search(r"[^\W_]", query)
        return
    words = full_text.query_words(query)
    allowed = {t for group in found.terms for t in group}
    assert set(_matched(found)) <= allowed
    if not forms:
        assert found.terms == tuple((w,) for w in words)  # the query's own words, nothing more
    assert opened.pdb.db.execute("SELECT count(*) FROM turns").fetchone()[0] > 0


def test_operators_are_searched_for_as_words(opened: Project) -> None:
    assert _everything(opened, "koordinator OR far").total == 0  # the phrase "koordinator or far"
    assert set(_matched(_everything(opened, "ansvar*"))) == {"ansvar"}  # no prefix search
    assert _everything(opened, "NEAR(").total == _everything(opened, "near").total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="far åøæ\"*()^:-+{}OR NEAR AND NOT'", max_size=20))
def test_no_query_text_breaks_the_search(opened: Project, query: str) -> None:
    try:
        retrieval.search(opened, query, forms=False, limit=5)
    except InvalidValue:
        assert not re.search(r"[^\W_]", query)


# ---- filters, paging, the command line ----


def test_case_round_and_kind_filters(opened: Project) -> None:
    everything = _everything(opened, "barnekoordinator")
    one = _everything(opened, "barnekoordinator", case="F01", round_key="R2")
    assert 0 < one.total < everything.total
    assert {(h.source.case, h.source.round) for h in one.hits} == {("F01", "R2")}
    by_kind = [
        _everything(opened, "barnekoordinator", kind=k).total for k in ("family", "municipality", "other")
    ]
    assert sum(by_kind) == everything.total and by_kind[1] > 0
    with pytest.raises(NotFound, match="no case 'F9'"):
        retrieval.search(opened, "barnekoordinator", case="F9")


def test_pages_of_hits_are_the_whole_list_in_order(opened: Project) -> None:
    everything = _everything(opened, "koordinator", forms=True)
    pages = [
        retrieval.search(opened, "koordinator", True, offset=at, limit=7)
        for at in range(0, everything.total, 7)
    ]
    assert [h for page in pages for h in page.hits] == list(everything.hits)
    assert all(page.total == everything.total for page in pages)


def test_a_hit_can_be_coded_from_the_command_line(run_cli, demo: Path) -> None:
    result = run_cli("search", "bar bakke", "--json", project=demo)
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["total"] == 1 and found["terms"] == [["bar"], ["bakke"]]
    hit = found["hits"][0]
    assert {"source", "case", "round", "speaker", "participant", "start", "end", "matches", "snippet"} <= set(
        hit
    )
    match = hit["matches"][0]
    assert match["text"] == "bar bakke"
    coded = run_cli(
        "code", hit["source"], str(match["start"]), str(match["end"]), "familie.personavhengighet",
        "--coder", "søker", project=demo,
    )  # fmt: skip
    assert coded.exit_code == 0, coded.stderr
    listed = json.loads(run_cli("segments", "--coder", "søker", "--json", project=demo).stdout)
    assert [(s["source"], s["text"], s["participant"]) for s in listed] == [
        ("F01_R1_foreldre", "bar bakke", "Forelder 1a")
    ]


def test_search_table_and_errors_on_the_command_line(run_cli, demo: Path) -> None:
    table = run_cli("search", "møteplass", "--forms", project=demo)
    assert table.exit_code == 0, table.stderr
    assert "Word forms searched for: møteplass, møteplassar, møteplasser" in table.stdout
    assert "casebook code SOURCE START END CODE" in table.stdout
    empty = run_cli("search", '"*"', project=demo)
    assert empty.exit_code == 1 and empty.stderr.startswith("casebook: error: nothing to search for")
    assert empty.stderr.count("\n") == 1


def test_only_the_current_version_of_a_source_is_searched(opened: Project, tmp_path: Path) -> None:
    note = tmp_path / "F02_R1_notat.txt"
    meta = InterviewMeta(case="F02", round="R1")
    note.write_text("I: Og så?\n\nMor: Gammelordet står bare i første versjon.\n", encoding="utf-8")
    import_files(opened, [ImportItem(note, meta)])
    assert _everything(opened, "gammelordet").total == 1
    note.write_text("I: Og så?\n\nMor: Nyordet står bare i andre versjon.\n", encoding="utf-8")
    import_files(opened, [ImportItem(note, meta)])
    assert _everything(opened, "gammelordet").total == 0  # version 1 is still stored, and indexed
    (hit,) = _everything(opened, "nyordet").hits
    assert (hit.source.name, hit.source.version) == ("F02_R1_notat", 2)
