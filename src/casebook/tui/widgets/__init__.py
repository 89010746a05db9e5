"""Self-contained widgets: they get model objects and post Messages; no services."""
