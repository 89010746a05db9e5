"""Short CI runs of the fault harnesses in ``bench/``: SIGKILL trials and concurrent writers."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

BENCH = ROOT / "bench"


def _figures(script: str, *args: str) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "Traceback" not in run.stderr, run.stderr
    figures: dict[str, object] = json.loads(run.stdout.splitlines()[-1])
    figures["output"] = run.stdout
    return figures


def test_sigkill_during_import_coding_and_codebook_changes_loses_nothing() -> None:
    figures = _figures("killtest.py", "--trials", "9", "--seed", "12")
    assert figures["trials"] == 9
    assert (figures["corrupt"], figures["lost"], figures["partial"]) == (0, 0, 0), figures["output"]
    assert isinstance(figures["units_reported"], int) and figures["units_reported"] > 0


def test_concurrent_writers_and_readers_lose_no_write_and_show_no_traceback() -> None:
    figures = _figures("concurrency.py", "--seconds", "3", "--writers", "3", "--readers", "2")
    assert (figures["bad"], figures["lost"], figures["extra"]) == (0, 0, 0), figures["output"]
    assert figures["check_ok"] is True
    assert isinstance(figures["writes_ok"], int) and figures["writes_ok"] > 10
    assert isinstance(figures["reads_ok"], int) and figures["reads_ok"] > 0


def test_kill_checks_notice_a_lost_coding_and_a_half_batch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The harness's own checks are not vacuous: a missing coding and a half batch count."""
    sys.path.insert(0, str(BENCH))
    try:
        import killtest
    finally:
        sys.path.remove(str(BENCH))
    project = tmp_path / "p.casebook"
    for args in (["init"], ["case", "add", "F01"]):
        subprocess.run(
            [*killtest.CASEBOOK, "--project", str(project), *args], check=True, capture_output=True
        )
    verdict = killtest.Verdict()
    killtest.check_coding(project, ["coding base 0 5 makt.dominans"], verdict)
    assert verdict.lost and not verdict.partial
    (tmp_path / "b0_0.txt").write_text("I: Hei.\n\nMor: Hei.\n", encoding="utf-8")
    subprocess.run(
        [
            *killtest.CASEBOOK,
            "--project",
            str(project),
            "import",
            str(tmp_path / "b0_0.txt"),
            "--case",
            "F01",
        ],
        check=True,
        capture_output=True,
    )
    verdict = killtest.Verdict()
    killtest.check_import(project, [], verdict)
    assert verdict.partial


def test_kill_checks_notice_a_lost_decision_and_a_half_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The suggestion checks are not vacuous: a reported accept that is not stored is lost,
    and a run that stored some but not all of its suggestions is partial."""
    sys.path.insert(0, str(BENCH))
    try:
        import killtest
    finally:
        sys.path.remove(str(BENCH))
    project = tmp_path / "p.casebook"
    (tmp_path / "base.txt").write_text(
        "Mor: Barnekoordinatoren kom. Vi ble en kasteball.\n", encoding="utf-8"
    )
    for args in (["init"], ["case", "add", "F01"], ["import", str(tmp_path / "base.txt"), "--case", "F01"]):
        subprocess.run(
            [*killtest.CASEBOOK, "--project", str(project), *args], check=True, capture_output=True
        )
    subprocess.run(
        [*killtest.CASEBOOK, "--project", str(project), "suggest", "--all", "--no-model", "-q"],
        check=True,
        capture_output=True,
    )
    stored = len(killtest._rows(project, "SELECT id FROM suggestions"))
    assert stored >= 2
    killtest.MASTER_SUGGESTIONS[0] = stored
    verdict = killtest.Verdict()
    killtest.check_suggest(project, [f"run {stored}", "accept 1 1"], verdict)
    assert verdict.lost and not verdict.partial
    killtest.MASTER_SUGGESTIONS[0] = stored + 1
    verdict = killtest.Verdict()
    killtest.check_suggest(project, [], verdict)
    assert verdict.partial
