#!/usr/bin/env bash
# Render the sample study's pseudonymised case summary of Familie 1 (.docx) to PNG pages,
# to look at it. Needs LibreOffice and poppler (Debian: apt-get install libreoffice-writer
# poppler-utils). Not part of CI. Usage: tools/render_summary.sh [OUT_DIR] [CASE]
#   (defaults: /tmp/casebook-summary and F01)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/casebook-summary}"
case="${2:-F01}"
python="${PYTHON:-$here/.venv/bin/python}"
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "render_summary: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
rm -f "$out"/summary.docx "$out"/summary.pdf "$out"/page-*.png
"$python" -m casebook --project "$out/demo.casebook" demo --no-tui --fresh >/dev/null
"$python" -m casebook --project "$out/demo.casebook" summary "$case" --format docx \
    -o "$out/summary.docx" --pseudonymise
# LibreOffice needs a writable profile; keep it inside OUT_DIR.
soffice -env:UserInstallation="file://$out/lo-profile" --headless --convert-to pdf --outdir "$out" \
    "$out/summary.docx" >/dev/null
pdftoppm -png -r 60 "$out/summary.pdf" "$out/page"
ls "$out"/page-*.png
