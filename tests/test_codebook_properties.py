"""Property: exporting a codebook and reading it back gives the same tree (TOML and .qdc)."""

from __future__ import annotations

import tomllib
import uuid
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.codebook.qdc import read_qdc, to_qdc
from casebook.codebook.toml_format import dump_toml, parse_toml_doc
from casebook.model.codes import Code, Codebook, Distance, Valence

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"),
    max_size=40,
).map(str.strip)
NAME = TEXT.filter(bool)
COLOR = st.from_regex(r"#[0-9A-F]{6}", fullmatch=True)
SIGNAL = st.sampled_from(["møteplass", "ikke vårt bord", "ansvarsgruppe*", "*koordinator", "re:\\bIP\\b"])


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    size = draw(st.integers(min_value=1, max_value=15))
    codes: list[Code] = []
    for index in range(size):
        parent = draw(st.none() | st.integers(min_value=0, max_value=index - 1)) if index else None
        parent_key = codes[parent].key if parent is not None else None
        key = f"{parent_key}.k{index}" if parent_key else f"k{index}"
        codes.append(
            Code(
                key=key,
                name=draw(NAME),
                parent=parent_key,
                description=draw(TEXT),
                use_when=draw(TEXT),
                not_when=draw(TEXT),
                examples=tuple(draw(st.lists(NAME, max_size=3))),
                color=draw(COLOR),
                distance=draw(st.sampled_from(list(Distance))),
                valence=draw(st.sampled_from(list(Valence))),
                signals=tuple(draw(st.lists(SIGNAL, max_size=3, unique=True))),
                aliases=tuple(draw(st.lists(NAME, max_size=2))),
                guid=str(uuid.UUID(int=index + 1)),
            )
        )
    ordered = _tree_order(codes)
    return Codebook(name=draw(TEXT), version="1", language="nb", description=draw(TEXT), codes=ordered)


def _tree_order(codes: list[Code]) -> tuple[Code, ...]:
    out: list[Code] = []

    def walk(parent: str | None) -> None:
        for code in codes:
            if code.parent == parent:
                out.append(code)
                walk(code.key)

    walk(None)
    return tuple(out)


@settings(max_examples=150, deadline=None)
@given(codebooks())
def test_toml_round_trip_reproduces_the_codebook(book: Codebook) -> None:
    text = dump_toml(book)
    assert parse_toml_doc(tomllib.loads(text), "x.toml", text) == book


@settings(max_examples=150, deadline=None)
@given(codebooks())
def test_qdc_round_trip_reproduces_the_tree(tmp_path_factory, book: Codebook) -> None:
    path: Path = tmp_path_factory.mktemp("qdc") / "book.qdc"
    path.write_bytes(to_qdc(book))
    back = read_qdc(path)

    def shape(codebook: Codebook) -> list[tuple[str, str | None, str, str, str]]:
        guid = {c.key: c.guid for c in codebook.codes}
        return [
            (c.guid, guid.get(c.parent) if c.parent else None, c.name, c.color, c.description)
            for c in codebook.codes
        ]

    assert shape(back) == shape(book)
