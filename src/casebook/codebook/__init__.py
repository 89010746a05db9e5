"""Codebook rules and file formats (TOML, REFI-QDA .qdc). No database work here."""
