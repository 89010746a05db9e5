"""The Textual coding workbench (screens, widgets, dialogs). Only this package imports Textual."""
