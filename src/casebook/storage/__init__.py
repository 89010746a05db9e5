"""The project file: one SQLite database. All SQL in casebook lives in this package."""
