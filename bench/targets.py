"""The targets of issue #8 ("Scale: instant on a whole study of 600 transcripts"), by result id.

They are set for the medium study (600 transcripts, 100,000 codings); the runner applies
them at every size, so a small study passing says little and a large one failing says
where the curve bends. An operation without an entry has no target in the issue.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAME_MS = 1000 / 60


@dataclass(frozen=True)
class Target:
    """Below ``limit`` (ms or MiB) passes; ``text`` is how RESULTS.md states it."""

    limit: float
    text: str

    def met(self, value: float) -> bool:
        """True when ``value`` (the median) is below the limit."""
        return value < self.limit


TARGETS: dict[str, Target] = {
    "workbench.segments_open": Target(100, "< 100 ms (first screen)"),
    "workbench.segments_page": Target(FRAME_MS, "< 16.7 ms (frame rate, 60 Hz)"),
    "service.segments_top": Target(50, "< 50 ms (a page with text)"),
    "service.segments_2500": Target(20, "< 20 ms"),
    "workbench.filter_key": Target(30, "< 30 ms"),
    "service.apply": Target(2, "< 2 ms, flat"),
    "workbench.open_source": Target(200, "< 200 ms"),
    "workbench.cold_start": Target(600, "< 0.6 s"),
    "workbench.memory_segments": Target(200, "< 200 MiB"),
    "cli.import_batch_memory": Target(150, "< 150 MiB, streamed"),
    "service.check": Target(1000, "< 1 s"),
    "cli.check": Target(1000, "< 1 s, progress bar"),
}
