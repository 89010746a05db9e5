"""Pseudonymisation: the pure matcher, the stored list, the study file, the CLI, the sample."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from casebook.errors import InvalidValue
from casebook.importing.studyfile import read_study
from casebook.model.pseudonyms import Pseudonym, PseudonymKind
from casebook.services import pseudonyms
from casebook.services.project import Project
from casebook.services.study import load_study
from casebook.text.pseudonymise import NameLeak, Pseudonymiser
from tests.conftest import write_study

SAMPLES = Path(__file__).resolve().parent.parent / "sample_transcripts"
PERSON, PLACE, SCHOOL, OTHER = (
    PseudonymKind.PERSON,
    PseudonymKind.PLACE,
    PseudonymKind.SCHOOL,
    PseudonymKind.OTHER,
)


def names(*entries: tuple[str, str, PseudonymKind]) -> Pseudonymiser:
    return Pseudonymiser(Pseudonym(term, replacement, kind) for term, replacement, kind in entries)


def test_whole_words_with_possessive_and_inflected_forms() -> None:
    emil = names(("Emil", "[barnet]", PERSON), ("Anders", "Forelder 1b", PERSON))
    text = "Emil, Emils perm, Emil's, Emil\u2019s, EMIL og Anders' bil; Emil-permen, Emil_1."
    assert emil.apply(text) == (
        "[barnet], [barnet]s perm, [barnet]'s, [barnet]\u2019s, [barnet] og Forelder 1b' bil;"
        " [barnet]-permen, [barnet]_1."
    )
    # never inside another word, and a capitalised term never matches the lower-case word
    assert emil.apply("Emilie og emil og Emilsen og Andersen") == "Emilie og emil og Emilsen og Andersen"


def test_places_and_schools_also_in_definite_and_genitive_forms() -> None:
    places = names(
        ("Lysåsen skole", "[skolen]", SCHOOL),
        ("Lysåsen", "[skolen]", SCHOOL),
        ("Nordås", "[ungdomsskolen]", SCHOOL),
    )
    text = "Lysåsen skole, Lysåsen skoles elever, Lysåsen skolen, på Lysåsen, Nordåsen og Nordåsens base"
    assert places.apply(text) == (
        "[skolen], [skolen]s elever, [skolen], på [skolen], [ungdomsskolen] og [ungdomsskolen]s base"
    )
    # a person's name has no definite forms
    assert names(("Ås", "[x]", PERSON)).apply("Ås og Åsen") == "[x] og Åsen"


def test_longest_term_wins_and_case_aware_short_names() -> None:
    listed = names(
        ("Liv", "[bk]", PERSON), ("Liv Marit", "[barnekoordinator]", PERSON), ("Gunn", "[g]", PERSON)
    )
    assert listed.apply("Liv Marit, Liv-Marit, Liv og livet, LIV, Gunnar og Gunn") == (
        "[barnekoordinator], [barnekoordinator], [bk] og livet, [bk], Gunnar og [g]"
    )
    lower = names(("somaliske", "[landbakgrunn]", OTHER))
    assert (
        lower.apply("andre somaliske familier. Somaliske mødre")
        == "andre [landbakgrunn] familier. [landbakgrunn] mødre"
    )


def test_æ_ø_å_are_letters_never_folded() -> None:
    listed = names(
        ("Aas", "[fastlegen]", PERSON),
        ("Bjørn", "[b]", PERSON),
        ("far", "[x]", OTHER),
        ("Lunde", "[s]", PLACE),
    )
    text = "Ås, Åse og Aas; Bjorn, Bjørnar og Bjørn; får og far; Lundeå og Lunde; både bade"
    assert (
        listed.apply(text)
        == "Ås, Åse og [fastlegen]; Bjorn, Bjørnar og [b]; får og [x]; Lundeå og [s]; både bade"
    )


def test_hidden_characters_do_not_hide_a_name_and_nfd_text_is_matched() -> None:
    listed = names(("Emil", "[barnet]", PERSON), ("Åshild", "[kontaktlærer]", PERSON))
    assert listed.apply("Em\u00adil og E\u200bmil") == "[barnet] og [barnet]"
    assert listed.apply("A\u030ashild") == "[kontaktlærer]"  # Å written as A + combining ring


def test_check_names_the_term_and_where() -> None:
    listed = names(("Emil", "[barnet]", PERSON))
    listed.check("ingen navn her", "x")
    with pytest.raises(NameLeak) as caught:
        listed.check("Det var Emils tur", "the memo of code familie.los")
    assert caught.value.term == "Emil"
    assert "the memo of code familie.los" in str(caught.value) and "nothing was written" in str(caught.value)


def test_a_replacement_may_not_contain_a_listed_name() -> None:
    with pytest.raises(InvalidValue, match="contains the listed name 'Emil'"):
        names(("Emil", "[Emil]", PERSON))
    with pytest.raises(InvalidValue, match="needs at least one letter"):
        names(("  ", "[x]", PERSON))


def test_study_file_table_is_read_with_kinds_and_participants(tmp_path: Path) -> None:
    study = tmp_path / "study.toml"
    study.write_text(
        '[[cases]]\nkey = "F01"\nkind = "family"\n'
        '[[persons]]\ncode = "1a"\ncase = "F01"\nlabel = "Forelder 1a"\n'
        '[pseudonyms.person]\nEmil = "[barnet]"\nSilje = { person = "1a" }\n'
        '[pseudonyms.school]\n"Lysåsen skole" = "[skolen]"\n',
        encoding="utf-8",
    )
    spec = read_study(study)
    assert [(p.term, p.kind, p.person) for p in spec.pseudonyms] == [
        ("Emil", PERSON, None),
        ("Silje", PERSON, "1a"),
        ("Lysåsen skole", SCHOOL, None),
    ]
    bad = tmp_path / "bad.toml"
    bad.write_text('[pseudonyms.planet]\nJorda = "[x]"\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.toml: pseudonyms\.planet: the kind must be"):
        read_study(bad)


def test_the_list_is_stored_edited_and_linked_to_participant_labels(project: Project, tmp_path: Path) -> None:
    load_study(project, write_study(tmp_path))
    added = pseudonyms.add(project, "Silje", "", PERSON, person="1a")
    assert added.replacement == "Deltaker 1a"  # the study file gave 1a no label: as in quote labels
    project.pdb.db.execute("UPDATE persons SET label = 'Forelder 1a' WHERE code = '1a'")
    pseudonyms.add(project, "Lysåsen skole", "[skolen]", SCHOOL)
    listed = {p.term: p for p in pseudonyms.listed(project)}
    assert listed["Silje"].replacement == "Forelder 1a" and listed["Silje"].person == "1a"
    assert (
        pseudonyms.pseudonymiser(project).apply("Silje går til Lysåsen skole")
        == "Forelder 1a går til [skolen]"
    )
    with pytest.raises(InvalidValue, match="no participant '9z'"):
        pseudonyms.add(project, "Ola", "", PERSON, person="9z")
    with pytest.raises(InvalidValue, match="contains the listed name"):
        pseudonyms.add(project, "Lysåsen", "[Silje]", SCHOOL)
    assert {p.term for p in pseudonyms.listed(project)} == {"Silje", "Lysåsen skole"}  # nothing half-written
    assert pseudonyms.remove(project, "Silje").term == "Silje"


def test_pseudonyms_cli_add_list_remove_load(run_cli, project_path: Path, tmp_path: Path) -> None:
    assert run_cli("init").exit_code == 0
    result = run_cli("pseudonyms", "add", "Emil", "[barnet]")
    assert result.exit_code == 0 and "Emil -> [barnet] (person)" in result.stdout
    assert run_cli("pseudonyms", "add", "Eikestad", "[stedet]", "--kind", "place").exit_code == 0
    listed = json.loads(run_cli("pseudonyms", "list", "--json").stdout)
    assert [(r["term"], r["kind"]) for r in listed] == [("Eikestad", "place"), ("Emil", "person")]
    assert run_cli("pseudonyms", "remove", "Emil").exit_code == 0
    missing = run_cli("pseudonyms", "remove", "Emil")
    assert missing.exit_code == 1 and "'Emil' is not in the list" in missing.stderr
    result = run_cli("pseudonyms", "load", str(SAMPLES / "study.toml"))
    assert (
        result.exit_code == 1 and "no participant '1b'" in result.stderr
    )  # the file's persons are not loaded
    names_only = tmp_path / "navn.toml"
    names_only.write_text('[pseudonyms.person]\nIda = "[søsken]"\nEmil = "[barnet]"\n', encoding="utf-8")
    result = run_cli("pseudonyms", "load", str(names_only))
    assert result.exit_code == 0 and "2 added, 0 updated" in result.stdout


def test_migration_0005_adds_the_table(project_path: Path, project: Project) -> None:
    conn = sqlite3.connect(project_path)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(pseudonyms)")]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    assert columns == ["id", "term", "replacement", "kind", "person_id", "guid", "created_at"]
    assert version >= 5  # later migrations (0006_longitudinal ...) count on from here


# Capitalised words that may stand mid-sentence in the sample and are not names of people
# or small places: services, products, the country and the regions that describe
# municipalities ("Kommune 1, stor kommune, Østlandet").
NOT_NAMES = {
    "Bank", "Digipost", "Dokumenterte", "Facebook", "Familiens", "Foreldre", "God", "Google",
    "Helsenorge", "Hjelpemiddelsentralen", "Hjemmeproblem", "Jeg", "Kommune", "Norge", "Og",
    "Omsorgsbehovet", "Pasientreiser", "Statped", "Statsforvalteren", "Teams", "Translate",
    "Vestlandet", "Østlandet", "Forelder", "Fagperson",
}  # fmt: skip
_MID_SENTENCE_CAPITAL = re.compile(
    r"(?<![.!?:«\"…\]\n]\s)(?<!^)(?<![\w\[])([A-ZÆØÅ][a-zæøåé]+)", re.MULTILINE
)


def test_the_sample_list_covers_every_name_in_the_transcripts(demo: Path) -> None:
    """Pseudonymised, the sample's transcripts keep no capitalised word that is not a known
    non-name; and no listed term is left."""
    with Project.open(demo) as project:
        listed = pseudonyms.pseudonymiser(project)
        texts = {s.name: project.source_text(s) for s in project.sources()}
    assert len(listed.terms) >= 100
    for name, text in texts.items():
        cleaned = listed.apply(text)
        assert listed.find(cleaned) is None, name
        left = {m.group(1) for m in _MID_SENTENCE_CAPITAL.finditer(cleaned)} - NOT_NAMES
        assert not left, f"{name}: capitalised words not in the list of pseudonyms: {sorted(left)}"
    for term in ("Emil", "Synnøve", "Lysåsen skole", "Eikestad", "Solsikken", "Liv Marit", "Kvernvik"):
        assert term in listed.terms
