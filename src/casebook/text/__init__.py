"""Text handling: normalisation, offsets, speaker turns (spaCy, when needed, only here)."""
