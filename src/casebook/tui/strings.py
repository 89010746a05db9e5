"""Interface strings of the workbench, in English and in one place, so that a Norwegian
translation can follow. Data (transcripts, code names, labels) is never translated here."""

from __future__ import annotations

_PLURALS = {
    "source": "sources",
    "coder": "coders",
    "segment": "segments",
    "coding": "codings",
    "match": "matches",
}


def count(n: int, noun: str) -> str:
    """``1 source``, ``2 sources``: a number with its noun in the right form."""
    return f"{n} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"


_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}
_CONTROL_PICTURES |= dict.fromkeys(range(128, 160), 65533)
_KEEP_LINES = {k: v for k, v in _CONTROL_PICTURES.items() if chr(k) not in "\n\t"}


def shown(text: str, one_line: bool = False) -> str:
    """User text made safe for the terminal: control characters (ESC among them) become
    visible symbols such as ``␛``; newlines stay unless ``one_line``. Markup is never
    parsed here: pass the result as ``Text`` or with ``markup=False``."""
    return text.translate(_CONTROL_PICTURES if one_line else _KEEP_LINES)


# Labels of a code's definition (the values are the codebook's own, in Norwegian).
CODEBOOK = "Codebook"
USE_WHEN = "Use when: "
NOT_WHEN = "Not when: "
SIGNALS = "Signal words: "

TREE_COUNTS = "counts: {coder} + other coders (with sub-codes)"
"""The legend of the code tree's counts (``8+4``: 8 by you, 4 by the others)."""

# The coding screen (search, pinned codes, double coding).
SEARCH_PROMPT = "Search the transcript (case ignored; æ, ø, å exact; other word forms too)"
SEARCH_NONE = "No hits for «{query}»."
SEARCH_NO_QUERY = "Nothing searched yet: / searches."
SEARCH_WRAPPED_TOP = "search wrapped to the top"
SEARCH_WRAPPED_BOTTOM = "search wrapped to the bottom"
PINS_NONE = "no codes to pin: add codes to the codebook (c)"
PIN_MISSING = "No code on {number}: the pinned codes are listed above the status line."
PICKED_MORE = "Applied {name} ({n} so far). Type the next code: tab applies it too, enter applies and closes."
PICKED_FAILED = "{name} was not applied (see the message)."


def search_summary(query: str, exact: int, other: int, partial: int) -> str:
    """``«engel»: 2 exact · 3 other word forms · 1 containing it``: what a search found, by kind."""
    parts = [f"{exact} exact", f"{other} other word form{'' if other == 1 else 's'}"]
    if partial:
        parts.append(f"{partial} containing it")
    return f"«{query}»: " + " · ".join(parts)


# Exports of a segment list or a matrix cell (services.views).
EXPORT_PROMPT = "Export these {what} to (.docx, .md, .csv or .xlsx: the suffix chooses)"
EXPORT_PSEUDONYMISE = "Pseudonymise the export? (escape cancels)"
EXPORT_CHOICES = [
    ("yes", "Yes: replace every listed name (safe to hand on)"),
    ("no", "No: real names, for internal analysis only"),
]
EXPORT_CANCELLED = "Export cancelled: nothing was written."
EXPORT_STARTED = "Exporting to {path} …"
EXPORT_NOTHING = "Nothing to export: the list is empty."
CELL_FIXED = (
    "This list is a matrix cell: it shows exactly what the cell counted"
    " (filter a code's segments from the overview, s)."
)
LOGIC_PROMPT = "Code logic: A AND B · A NOT B · A SAME_TURN B · A FOLLOWED_BY B WITHIN 300 (empty clears)"
LOGIC_HELP = "A AND B, A NOT B, A SAME_TURN B, A FOLLOWED_BY B WITHIN N"

# The matrix screen.
MATRIX_N_ROW = "The first row is each column's n: what a percentage is a share of."
MATRIX_EMPTY_CELL = "No passages in this cell."
MATRIX_ATTRIBUTE = "Columns by the values of which attribute? (as of each interview's round)"
MATRIX_NO_ATTRIBUTES = "No case or source attributes to make columns of."

# The search screen (across sources).
SEARCH_ACROSS_HINT = "words to find in every source (enter searches)"
SEARCH_ACROSS_START = (
    "Type words and press enter: exact words; ctrl+f for every word form. æ, ø, å are exact."
)
SEARCH_ACROSS_WAIT = "Loading the word forms… the search runs when they are ready."

# The case screen (one case across rounds).
CASE_LEGEND = "bold: the researcher's direction · d sets one · enter: passages"
CASE_SUGGESTED = "suggested"
CASE_NOT_INTERVIEWED = "not interviewed in this round"
CASE_NO_CHANGES = "no attribute changed between rounds"
CASE_OPEN_HELP = "The passages a count stands for, or a direction's evidence"
CASE_DIRECTION_HELP = "Set the direction of the highlighted theme (with a reason)"
CASE_CLEAR = "clear: withdraw it (the suggestion shows again)"
CASE_NO_EVIDENCE = "No evidence cited for this direction."
CASE_PICK_COLUMN = "Move to a round (passages) or a direction column (evidence)."
CASE_CELL_FIXED = "This list is a change-grid cell: it shows exactly what the cell counted."

# Reviewing code suggestions on the coding screen (proposals, never codings until accepted).
KEY_SUGGEST = "Suggest"
TIP_SUGGEST = "Propose codes for this transcript (nothing is coded until you accept)"
KEY_SUGGESTION_NEXT = "Next suggestion"
KEY_SUGGESTION_PREV = "Previous suggestion"
KEY_SUGGESTION_ACCEPT = "Accept"
TIP_SUGGESTION_ACCEPT = "Accept the suggestion as your coding (a changed selection is its edited span)"
KEY_SUGGESTION_ACCEPT_TURN = "Accept turn"
TIP_SUGGESTION_ACCEPT_TURN = "Accept every open suggestion in this speaker turn"
KEY_SUGGESTION_REJECT = "Reject"
TIP_SUGGESTION_REJECT = "Reject the suggestion: it is remembered and never proposed again"
SUGGEST_RUNNING = "Suggesting codes for this transcript… (the first run loads the language model)"
SUGGEST_BUSY = "Already suggesting codes: they show when the run is done."
SUGGEST_DONE = "{n} for this transcript: > goes to the next, y accepts, r rejects."
SUGGEST_UNCHANGED = " Unchanged since the last run."
SUGGEST_NONE = "No suggestions for this transcript."
SUGGEST_NO_OPEN = "No open suggestions: P proposes codes for this transcript."
SUGGEST_NOT_HERE = "No suggestion at the cursor: > goes to the next one."
SUGGEST_SEVERAL = "{n} suggestions here: > picks one, Y accepts every one in the turn."
SUGGEST_ACCEPTED = "Accepted {name} as your coding. u undoes."
SUGGEST_ACCEPTED_EDITED = "Accepted {name} over your edited span ({chars} characters, was {was}). u undoes."
SUGGEST_ACCEPTED_TURN = "Accepted {n} in this turn: {names}. u undoes."
SUGGEST_REJECTED = "Rejected {name}: it will not be proposed again."
SUGGEST_UNDO = "accepted suggestion {code}"
SUGGEST_UNDO_REJECT = "rejected suggestion {code}"
SUGGEST_WRAPPED_TOP = "Suggestions wrapped to the top."
SUGGEST_WRAPPED_BOTTOM = "Suggestions wrapped to the bottom."
SUGGEST_NONE_AFTER = "No open suggestions after this one: > goes round to the first."
SUGGEST_ALL_DONE = "That was the last open suggestion in this transcript."
SUGGEST_STATUS = (
    "Suggested {name} ({chars} characters). y accepts, r rejects; change the selection to edit the span."
)
SUGGEST_STATUS_EDITED = "Edited span ({chars} characters, suggested {was}): y accepts {name} over it."
BAR_POSITION = "suggestion {position} of {total}"
BAR_OPEN = "{n} open {noun}"
BAR_PROPOSED = "proposed, not coded"
BAR_SCORE = "score {score:.2f}"
BAR_ALSO = "also here: "
BAR_EVIDENCE = "evidence: "
BAR_KEYS = "> next  < previous  y accept  Y accept turn  r reject"
BAR_KEYS_EDITED = "y accepts your edited span  r rejects  > next  < previous"
BAR_START = "> goes to the first  y accept  Y accept turn  r reject  P runs again"
PALETTE_SUGGEST = ("suggestions: Run", "Propose codes for this transcript; review them with > y r")
PALETTE_NEXT = ("suggestion: Next", "Go to the next open suggestion")
PALETTE_ACCEPT = ("suggestion: Accept", "Accept the suggestion as your coding")
PALETTE_ACCEPT_TURN = ("suggestion: Accept turn", "Accept every open suggestion in this turn")
PALETTE_REJECT = ("suggestion: Reject", "Reject the suggestion; never proposed again")
