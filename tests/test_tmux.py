"""The demo in a real terminal: tmux runs it, sends keys and reads the screen."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_demo.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_demo_works_in_a_real_terminal() -> None:
    out = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    screens = dict(part.split("\n", 1) for part in out.split("===== ")[1:])
    assert "F01" in screens["overview"] and "R1 (baseline)" in screens["overview"]
    assert "F01 · R1" in screens["coding"] and "Mor" in screens["coding"]
    assert "Apply code" in screens["picker"] and "familie.venting" in screens["picker"]
    assert "Coded" in screens["coded"]
    assert "Undid: code familie.venting" in screens["undone"]
    assert json.loads(screens["project"]) == []  # undone, so nothing by this coder remains
