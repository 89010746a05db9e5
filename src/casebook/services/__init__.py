"""The use-case façade: the only API the CLI and the TUI call. Owns transactions."""
