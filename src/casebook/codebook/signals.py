"""Signals: the words and phrases that suggest a code (syntax in ``casebook.text.signal_syntax``)."""

from __future__ import annotations

from casebook.text.signal_syntax import Signal, parse_signal

__all__ = ["Signal", "parse_signal"]
