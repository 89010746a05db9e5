#!/usr/bin/env bash
# Drive `casebook demo` in a real terminal (tmux): open a transcript, code a turn, undo,
# and print what a person would see after each step. Used by tests/test_tmux.py; also
# handy by hand: bash tests/tmux_demo.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
casebook="${CASEBOOK_BIN:-$here/.venv/bin/casebook}"
work="$(mktemp -d)"
session="casebook-demo-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

shot() { sleep "${2:-1}"; echo "===== $1"; tmux capture-pane -p -t "$session"; }

tmux new-session -d -s "$session" -x 120 -y 34 \
  "unset COLUMNS LINES; XDG_DATA_HOME='$work' CASEBOOK_CODER=tmux '$casebook' demo; sleep 5"
tmux set-option -t "$session" window-size manual >/dev/null
tmux resize-window -t "$session" -x 120 -y 34
shot overview 4
tmux send-keys -t "$session" Right Right Enter
shot coding 2
tmux send-keys -t "$session" "]" t a
sleep 1
tmux send-keys -t "$session" venting
shot picker 1
tmux send-keys -t "$session" Enter
shot coded 1
tmux send-keys -t "$session" u
shot undone 1
tmux send-keys -t "$session" Escape q
sleep 1
echo "===== project"
"$casebook" --project "$work/casebook/demo.casebook" codings --coder tmux --json
