"""Dialog callbacks that act only when the researcher gave an answer (not on cancel)."""

from __future__ import annotations

from collections.abc import Callable


def if_text(action: Callable[[str], object]) -> Callable[[str | None], None]:
    """Call ``action`` with a non-empty answer from a prompt or a choice."""

    def run(value: str | None) -> None:
        if value:
            action(value)

    return run


def if_picked(action: Callable[[str], object]) -> Callable[[tuple[str, bool] | None], None]:
    """Call ``action`` with the code id chosen in a code picker."""

    def run(value: tuple[str, bool] | None) -> None:
        if value:
            action(value[0])

    return run


def if_yes(action: Callable[[], object]) -> Callable[[bool | None], None]:
    """Call ``action`` when a confirmation was answered yes."""

    def run(value: bool | None) -> None:
        if value:
            action()

    return run
