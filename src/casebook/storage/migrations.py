"""Schema migrations: the only place tables, indexes and triggers are created.

Each migration runs in one transaction (sqlite-utils ``Migrations``) and is recorded in
``_sqlite_migrations``; ``PRAGMA user_version`` mirrors the count for quick checks.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from casebook.storage.schema import MIGRATION_SET

migrations = Migrations(MIGRATION_SET)

_FOUNDATION = """
CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('family', 'municipality', 'other')),
    label TEXT NOT NULL DEFAULT ''
);
CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT ''
);
CREATE TABLE case_persons (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    relation TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_persons_person ON case_persons(person_id);
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL UNIQUE,
    window_start TEXT,
    window_end TEXT,
    baseline INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1))
);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    chars INTEGER NOT NULL CHECK (chars >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT,
    imported_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    previous_id INTEGER UNIQUE REFERENCES sources(id),
    UNIQUE (name, version)
);
CREATE INDEX sources_sha ON sources(sha256);
CREATE TRIGGER sources_text_immutable BEFORE UPDATE OF text, chars, sha256 ON sources
BEGIN
    SELECT RAISE(ABORT, 'source text is immutable');
END;
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    body_start INTEGER NOT NULL,
    speaker TEXT,
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    timestamp_ms INTEGER,
    CHECK (start >= 0 AND "end" > start AND body_start BETWEEN start AND "end"),
    UNIQUE (source_id, seq)
);
CREATE INDEX turns_span ON turns(source_id, start);
CREATE INDEX turns_person ON turns(person_id);
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL UNIQUE REFERENCES sources(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    round_id INTEGER REFERENCES rounds(id),
    date TEXT,
    mode TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    interviewer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX interviews_case_round ON interviews(case_id, round_id);
CREATE TABLE interview_persons (
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    PRIMARY KEY (interview_id, person_id)
);
CREATE TABLE attributes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('case', 'person', 'source')),
    type TEXT NOT NULL CHECK (type IN ('Text', 'Boolean', 'Integer', 'Float', 'Date')),
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (scope, name)
);
CREATE TABLE attribute_values (
    id INTEGER PRIMARY KEY,
    attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL,
    round_id INTEGER REFERENCES rounds(id),
    value TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE UNIQUE INDEX attribute_values_one
    ON attribute_values(attribute_id, entity_id, coalesce(round_id, 0));
CREATE INDEX attribute_values_entity ON attribute_values(entity_id);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES codes(id),
    position INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    use_when TEXT NOT NULL DEFAULT '',
    not_when TEXT NOT NULL DEFAULT '',
    examples TEXT NOT NULL DEFAULT '[]',
    color TEXT NOT NULL DEFAULT '#888888',
    distance TEXT NOT NULL DEFAULT 'none'
        CHECK (distance IN ('kognitiv', 'strukturell', 'makt', 'fysisk', 'none')),
    valence TEXT NOT NULL DEFAULT 'nøytral'
        CHECK (valence IN ('hindrer', 'fremmer', 'nøytral')),
    signals TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '[]',
    guid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX codes_parent ON codes(parent_id);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    code_id INTEGER NOT NULL REFERENCES codes(id),
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    created_at TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX codings_span ON codings(source_id, start);
CREATE INDEX codings_code ON codings(code_id);
CREATE TRIGGER codings_inside_source BEFORE INSERT ON codings
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'coding span lies outside its source');
END;
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL
        CHECK (target_kind IN ('project', 'case', 'round', 'source', 'code', 'coding')),
    target_id INTEGER,
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES coders(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX memos_target ON memos(target_kind, target_id);
CREATE VIRTUAL TABLE turns_fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 0'
);
"""


def _run(db: Database, script: str) -> None:
    """Run each statement of ``script`` inside the migration's transaction."""
    for statement in _statements(script):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a DDL script on top-level semicolons (trigger bodies kept whole)."""
    out: list[str] = []
    buffer: list[str] = []
    for line in script.strip().splitlines():
        buffer.append(line)
        joined = "\n".join(buffer).strip()
        if joined.endswith(";") and (
            not joined.upper().startswith("CREATE TRIGGER") or joined.upper().endswith("END;")
        ):
            out.append(joined)
            buffer = []
    if "".join(buffer).strip():
        out.append("\n".join(buffer))
    return out


@migrations(name="0001_foundation")
def m0001_foundation(db: Database) -> None:
    """Cases, persons, rounds, sources, turns, interviews, attributes, codes, codings, memos."""
    _run(db, _FOUNDATION)
    db.execute("PRAGMA user_version = 1")


_CODEBOOK_HISTORY = """
CREATE TABLE codebook_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    coder TEXT NOT NULL,
    action TEXT NOT NULL,
    code_key TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}'
);
ALTER TABLE codings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX codings_coder ON codings(coder_id);
"""


@migrations(name="0002_codebook_history")
def m0002_codebook_history(db: Database) -> None:
    """Audit trail of codebook changes; each coding records the codebook revision it saw."""
    _run(db, _CODEBOOK_HISTORY)
    db.execute("PRAGMA user_version = 2")


# A random RFC 4122 version-4 UUID computed by SQLite (usable as a column DEFAULT).
UUID_SQL = (
    "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
    " || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || '-' || hex(randomblob(6))))"
)

# Tables rebuilt with AUTOINCREMENT (a deleted row's id is never handed out again) and a GUID.
_IDENTITY_TABLES: dict[str, str] = {
    "cases": f"""CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('family', 'municipality', 'other')),
    label TEXT NOT NULL DEFAULT '',
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}
)""",
    "persons": f"""CREATE TABLE persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}
)""",
    "rounds": f"""CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL UNIQUE,
    window_start TEXT,
    window_end TEXT,
    baseline INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1)),
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}
)""",
    "sources": f"""CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    chars INTEGER NOT NULL CHECK (chars >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT,
    imported_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    previous_id INTEGER UNIQUE REFERENCES sources(id),
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    UNIQUE (name, version)
)""",
    "coders": f"""CREATE TABLE coders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}
)""",
    "codes": f"""CREATE TABLE codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES codes(id),
    position INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    use_when TEXT NOT NULL DEFAULT '',
    not_when TEXT NOT NULL DEFAULT '',
    examples TEXT NOT NULL DEFAULT '[]',
    color TEXT NOT NULL DEFAULT '#888888',
    distance TEXT NOT NULL DEFAULT 'none'
        CHECK (distance IN ('kognitiv', 'strukturell', 'makt', 'fysisk', 'none')),
    valence TEXT NOT NULL DEFAULT 'nøytral'
        CHECK (valence IN ('hindrer', 'fremmer', 'nøytral')),
    signals TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '[]',
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    created_at TEXT NOT NULL
)""",
    "codings": f"""CREATE TABLE codings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    code_id INTEGER NOT NULL REFERENCES codes(id),
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    created_at TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 0,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    CHECK (start >= 0 AND "end" > start)
)""",
    "memos": f"""CREATE TABLE memos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind TEXT NOT NULL
        CHECK (target_kind IN ('project', 'case', 'round', 'source', 'code', 'coding')),
    target_id INTEGER,
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES coders(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}
)""",
}

_IDENTITY_AFTER = """
CREATE INDEX codes_parent ON codes(parent_id);
CREATE INDEX sources_sha ON sources(sha256);
CREATE UNIQUE INDEX codings_one ON codings(source_id, start, "end", code_id, coder_id);
CREATE INDEX codings_code ON codings(code_id);
CREATE INDEX codings_coder ON codings(coder_id);
CREATE INDEX memos_target ON memos(target_kind, target_id);
CREATE TRIGGER sources_text_immutable BEFORE UPDATE OF text, chars, sha256 ON sources
BEGIN
    SELECT RAISE(ABORT, 'source text is immutable');
END;
CREATE TRIGGER codings_inside_source BEFORE INSERT ON codings
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'coding span lies outside its source');
END;
CREATE TRIGGER codings_inside_source_update BEFORE UPDATE OF source_id, start, "end" ON codings
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'coding span lies outside its source');
END;
CREATE TRIGGER codes_take_their_memos AFTER DELETE ON codes
BEGIN
    DELETE FROM memos WHERE target_kind = 'code' AND target_id = OLD.id;
END;
CREATE TRIGGER codings_take_their_memos AFTER DELETE ON codings
BEGIN
    DELETE FROM memos WHERE target_kind = 'coding' AND target_id = OLD.id;
END;
CREATE TRIGGER cases_take_their_memos AFTER DELETE ON cases
BEGIN
    DELETE FROM memos WHERE target_kind = 'case' AND target_id = OLD.id;
    DELETE FROM attribute_values WHERE entity_id = OLD.id
        AND attribute_id IN (SELECT id FROM attributes WHERE scope = 'case');
END;
CREATE TRIGGER persons_take_their_values AFTER DELETE ON persons
BEGIN
    DELETE FROM attribute_values WHERE entity_id = OLD.id
        AND attribute_id IN (SELECT id FROM attributes WHERE scope = 'person');
END;
CREATE TRIGGER rounds_take_their_memos AFTER DELETE ON rounds
BEGIN
    DELETE FROM memos WHERE target_kind = 'round' AND target_id = OLD.id;
END;
CREATE TRIGGER sources_take_their_memos AFTER DELETE ON sources
BEGIN
    DELETE FROM memos WHERE target_kind = 'source' AND target_id = OLD.id;
    DELETE FROM attribute_values WHERE entity_id = OLD.id
        AND attribute_id IN (SELECT id FROM attributes WHERE scope = 'source');
END;
"""

# Ids that rows elsewhere still point to, so the sequence starts above them: a new row
# must never adopt a memo or value left behind by a row deleted before this migration.
_REFERENCED_IDS: dict[str, str] = {
    "cases": "SELECT target_id FROM memos WHERE target_kind = 'case' UNION ALL SELECT av.entity_id"
    " FROM attribute_values av JOIN attributes a ON a.id = av.attribute_id WHERE a.scope = 'case'",
    "persons": "SELECT av.entity_id FROM attribute_values av JOIN attributes a ON a.id = av.attribute_id"
    " WHERE a.scope = 'person'",
    "rounds": "SELECT target_id FROM memos WHERE target_kind = 'round'",
    "sources": "SELECT target_id FROM memos WHERE target_kind = 'source' UNION ALL SELECT av.entity_id"
    " FROM attribute_values av JOIN attributes a ON a.id = av.attribute_id WHERE a.scope = 'source'",
    "coders": "SELECT author_id FROM memos",
    "codes": "SELECT target_id FROM memos WHERE target_kind = 'code'",
    "codings": "SELECT target_id FROM memos WHERE target_kind = 'coding'",
    "memos": "SELECT NULL",
}


def _merge_duplicate_codings(db: Database) -> None:
    """Fold identical codings (same span, code and coder) into the oldest; memos are kept."""
    key = 'source_id, start, "end", code_id, coder_id'
    db.execute(
        f"UPDATE codings SET memo = (SELECT group_concat(m, char(10)) FROM (SELECT DISTINCT d.memo AS m"
        f' FROM codings d WHERE ({key}) = (codings.source_id, codings.start, codings."end",'
        " codings.code_id, codings.coder_id) AND d.memo != '' ORDER BY d.id))"
        f" WHERE id IN (SELECT min(id) FROM codings GROUP BY {key} HAVING count(*) > 1)"
    )
    db.execute("UPDATE codings SET memo = '' WHERE memo IS NULL")
    db.execute(f"DELETE FROM codings WHERE id NOT IN (SELECT min(id) FROM codings GROUP BY {key})")


def _rebuild(db: Database, table: str, ddl: str) -> None:
    """Copy ``table`` into its new definition, giving every row a GUID (codes keep theirs)."""
    columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()]
    quoted = ", ".join(f'"{c}"' for c in columns)
    db.execute(ddl.replace(f"CREATE TABLE {table} (", f"CREATE TABLE new_{table} (", 1))
    db.execute(f"INSERT INTO new_{table} ({quoted}) SELECT {quoted} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE new_{table} RENAME TO {table}")
    db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
    db.execute(
        f"WITH r(x) AS ({_REFERENCED_IDS[table]}) INSERT INTO sqlite_sequence (name, seq)"
        f" SELECT ?, max(coalesce((SELECT max(id) FROM {table}), 0), coalesce((SELECT max(x) FROM r), 0))",
        [table],
    )


@migrations(name="0003_identities")
def m0003_identities(db: Database) -> None:
    """GUIDs for every entity, ids never reused, one coding per span/code/coder, memos go with
    their target. Run with foreign keys off (the tables are rebuilt), checked before commit."""
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("0003_identities must run with foreign keys off")
    for trigger in ("sources_text_immutable", "codings_inside_source"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    _merge_duplicate_codings(db)
    for table, ddl in _IDENTITY_TABLES.items():
        _rebuild(db, table, ddl)
    _run(db, _IDENTITY_AFTER)
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"0003_identities would leave broken links: {broken[:5]}")
    db.execute("PRAGMA user_version = 3")


_SOURCES_TEXT_LAST = f"""CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    chars INTEGER NOT NULL CHECK (chars >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT,
    imported_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    previous_id INTEGER UNIQUE REFERENCES sources(id),
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    text TEXT NOT NULL,
    UNIQUE (name, version)
)"""

_TEXT_LAST_AFTER = """
CREATE INDEX sources_sha ON sources(sha256);
CREATE INDEX codings_code_coder ON codings(code_id, coder_id, source_id, start, "end");
DROP INDEX codings_code;
CREATE TRIGGER sources_text_immutable BEFORE UPDATE OF text, chars, sha256 ON sources
BEGIN
    SELECT RAISE(ABORT, 'source text is immutable');
END;
CREATE TRIGGER codings_inside_source BEFORE INSERT ON codings
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'coding span lies outside its source');
END;
CREATE TRIGGER codings_inside_source_update BEFORE UPDATE OF source_id, start, "end" ON codings
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'coding span lies outside its source');
END;
CREATE TRIGGER sources_take_their_memos AFTER DELETE ON sources
BEGIN
    DELETE FROM memos WHERE target_kind = 'source' AND target_id = OLD.id;
    DELETE FROM attribute_values WHERE entity_id = OLD.id
        AND attribute_id IN (SELECT id FROM attributes WHERE scope = 'source');
END;
CREATE TABLE coverage (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    coded_chars INTEGER NOT NULL CHECK (coded_chars >= 0),
    coder_ids TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER coverage_after_coding AFTER INSERT ON codings
BEGIN
    DELETE FROM coverage WHERE source_id = NEW.source_id;
END;
CREATE TRIGGER coverage_after_uncoding AFTER DELETE ON codings
BEGIN
    DELETE FROM coverage WHERE source_id = OLD.source_id;
END;
CREATE TRIGGER coverage_after_recoding AFTER UPDATE OF source_id, start, "end", coder_id ON codings
BEGIN
    DELETE FROM coverage WHERE source_id IN (OLD.source_id, NEW.source_id);
END;
"""


@migrations(name="0004_scale")
def m0004_scale(db: Database) -> None:
    """Schema for a whole study. A source's text becomes the last column of its row:
    SQLite keeps a long value in overflow pages and reaches the columns after it by
    walking them, so reading a source's name, length or version read its whole text (30
    pages for a 120,000-character interview). Counts per code and coder get a covering
    index, and the share of each source that is coded is cached (``coverage``; a row is
    dropped by trigger whenever a coding of its source changes, and recomputed on demand)."""
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("0004_scale must run with foreign keys off")
    for trigger in ("codings_inside_source", "codings_inside_source_update"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    _rebuild(db, "sources", _SOURCES_TEXT_LAST)
    _run(db, _TEXT_LAST_AFTER)
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"0004_scale would leave broken links: {broken[:5]}")
    db.execute("PRAGMA user_version = 4")


_PSEUDONYMS = f"""
CREATE TABLE pseudonyms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    term TEXT NOT NULL UNIQUE,
    replacement TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('person', 'place', 'school', 'other')),
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    created_at TEXT NOT NULL
);
CREATE INDEX pseudonyms_person ON pseudonyms(person_id);
"""


@migrations(name="0005_pseudonyms")
def m0005_pseudonyms(db: Database) -> None:
    """Names and places that exports replace (``Emil`` -> ``[barnet]``); a term linked to a
    participant is replaced by that participant's label. Transcripts are never changed."""
    _run(db, _PSEUDONYMS)
    db.execute("PRAGMA user_version = 5")


_LONGITUDINAL = f"""
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'reorganisation', 'new_coordinator',
        'staff_change', 'move', 'phone_contact', 'other')),
    service TEXT NOT NULL DEFAULT '',
    status TEXT CHECK (status IN ('applied', 'rejected', 'appealed', 'granted',
        'granted_not_delivered', 'started', 'waiting', 'ended')),
    child TEXT NOT NULL DEFAULT '',
    date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]*'),
    round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
    source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    coding_guid TEXT,
    note TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'cli' CHECK (origin IN ('study', 'cli')),
    created_at TEXT NOT NULL,
    CHECK ((kind = 'service') = (status IS NOT NULL AND service != ''))
);
CREATE INDEX case_events_case ON case_events(case_id, date);
CREATE TABLE directions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL},
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    code_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,
    theme TEXT NOT NULL,
    from_round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    to_round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    direction TEXT CHECK (direction IN ('improved', 'unchanged', 'worse', 'mixed', 'unclear')),
    reason TEXT NOT NULL DEFAULT '',
    coder_id INTEGER REFERENCES coders(id),
    created_at TEXT NOT NULL,
    CHECK (from_round_id != to_round_id)
);
CREATE INDEX directions_case ON directions(case_id, code_id, from_round_id, to_round_id);
CREATE INDEX directions_code ON directions(code_id);
CREATE TABLE direction_evidence (
    direction_id INTEGER NOT NULL REFERENCES directions(id) ON DELETE CASCADE,
    coding_guid TEXT NOT NULL,
    PRIMARY KEY (direction_id, coding_guid)
);
CREATE TABLE attribute_scales (
    attribute_id INTEGER PRIMARY KEY REFERENCES attributes(id) ON DELETE CASCADE,
    scale TEXT NOT NULL DEFAULT '[]',
    themes TEXT NOT NULL DEFAULT '[]'
);
"""


@migrations(name="0006_longitudinal")
def m0006_longitudinal(db: Database) -> None:
    """Following cases across rounds. ``case_events``: service decisions (applied,
    rejected, appealed, granted ...) per child and caveats (reorganisation, new
    coordinator, move, phone contact), each dated and tied to the round it was reported
    in. ``directions``: the researcher's direction per case, theme and pair of rounds,
    never updated (the latest row is the current one, the rest its history), with
    ``direction_evidence`` citing codings by GUID (a removed coding stays cited). A
    direction keeps the theme's key, so deleting or merging the code loses no history.
    ``attribute_scales``: attributes whose values run from worse to better, for the
    suggested directions."""
    _run(db, _LONGITUDINAL)
    db.execute("PRAGMA user_version = 6")


_EXCERPTS = """
ALTER TABLE codings ADD COLUMN excerpt TEXT NOT NULL DEFAULT '';
CREATE TRIGGER codings_cut_their_excerpt AFTER INSERT ON codings
BEGIN
    UPDATE codings SET excerpt = (SELECT substr(s.text, NEW.start + 1, NEW."end" - NEW.start)
        FROM sources s WHERE s.id = NEW.source_id) WHERE id = NEW.id;
END;
CREATE TRIGGER codings_recut_their_excerpt AFTER UPDATE OF source_id, start, "end" ON codings
BEGIN
    UPDATE codings SET excerpt = (SELECT substr(s.text, NEW.start + 1, NEW."end" - NEW.start)
        FROM sources s WHERE s.id = NEW.source_id) WHERE id = NEW.id;
END;
"""


@migrations(name="0007_excerpts")
def m0007_excerpts(db: Database) -> None:
    """Each coding keeps the text it covers (``codings.excerpt``), cut by trigger from the
    immutable source text when the coding is made or its span changes. Listing segments
    then reads short excerpts instead of every whole transcript a list touches; ``check``
    compares every excerpt with its source. Existing codings are cut source by source."""
    _run(db, _EXCERPTS)
    sources = db.execute("SELECT DISTINCT source_id FROM codings").fetchall()
    for (source_id,) in sources:
        text = db.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()[0]
        rows = db.execute('SELECT id, start, "end" FROM codings WHERE source_id = ?', [source_id]).fetchall()
        db.conn.executemany(
            "UPDATE codings SET excerpt = ? WHERE id = ?", [(text[a:b], i) for i, a, b in rows]
        )
    db.execute("PRAGMA user_version = 7")


_SUGGESTIONS = """
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    origin TEXT NOT NULL CHECK (origin IN ('signals', 'model', 'signals+model')),
    evidence TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES coders(id),
    decided_at TEXT,
    coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
    CHECK (start >= 0 AND "end" > start),
    UNIQUE (source_id, start, "end", code_id)
);
CREATE INDEX suggestions_by_status ON suggestions(status, source_id, start);
CREATE INDEX suggestions_by_coding ON suggestions(coding_id);
CREATE TRIGGER suggestions_stay_inside_their_source BEFORE INSERT ON suggestions
WHEN NEW."end" > (SELECT chars FROM sources WHERE id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'suggestion outside its source');
END;
CREATE TABLE suggestion_runs (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    run_at TEXT NOT NULL
);
CREATE TABLE suggester_models (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    trained_at TEXT NOT NULL,
    passages INTEGER NOT NULL,
    codings INTEGER NOT NULL,
    model BLOB NOT NULL
);
CREATE TRIGGER codings_are_never_made_by_the_suggester BEFORE INSERT ON codings
WHEN (SELECT name FROM coders WHERE id = NEW.coder_id) = 'suggester'
BEGIN
    SELECT RAISE(ABORT, 'the suggester only suggests: a coding needs a coder');
END;
"""


@migrations(name="0008_suggestions")
def m0008_suggestions(db: Database) -> None:
    """Code suggestions, kept apart from codings. ``suggestions``: what the suggester
    (the pseudo-coder ``suggester``) proposed, with score, origin and evidence, and what
    became of it: open, accepted (``coding_id`` is the coding it became, made by the
    coder in ``decided_by``) or rejected (kept, so it is never proposed again).
    ``suggestion_runs``: per source, the fingerprint of the text, codebook and model a
    run used, so an unchanged source is not run again. ``suggester_models``: the model
    learnt from the codings, with the fingerprint of what it learnt from. A trigger
    refuses codings by the suggester: it never codes on its own."""
    _run(db, _SUGGESTIONS)
    db.execute("PRAGMA user_version = 8")


def apply(db: Database) -> None:
    """Bring ``db`` to the newest schema."""
    migrations.apply(db)


def known() -> list[str]:
    """Names of all migrations this version of casebook knows."""
    return [m.name for m in migrations._migrations]
