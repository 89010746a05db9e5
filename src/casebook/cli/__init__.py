"""The ``casebook`` command line: every operation, scriptable, with ``--json`` output."""
