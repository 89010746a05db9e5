"""The names of the schema migrations this casebook knows, newest last.

Kept apart from ``migrations`` so that opening a project (the common case, nothing to
migrate) does not import sqlite-utils; a test checks the two lists agree.
"""

MIGRATION_SET = "casebook"
MIGRATIONS = (
    "0001_foundation",
    "0002_codebook_history",
    "0003_identities",
    "0004_scale",
    "0005_pseudonyms",
    "0006_longitudinal",
    "0007_excerpts",
    "0008_suggestions",
)
