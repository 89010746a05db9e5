#!/usr/bin/env bash
# Render the sample study's pseudonymised Word report to PNG pages, to look at it.
# Needs LibreOffice and poppler (Debian: apt-get install libreoffice-writer poppler-utils).
# Not part of CI. Usage: tools/render_report.sh [OUT_DIR]   (default: /tmp/casebook-report)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/casebook-report}"
python="${PYTHON:-$here/.venv/bin/python}"
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "render_report: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
rm -f "$out"/report.docx "$out"/report.pdf "$out"/page-*.png
"$python" -m casebook --project "$out/demo.casebook" demo --no-tui --fresh >/dev/null
"$python" -m casebook --project "$out/demo.casebook" report --format docx -o "$out/report.docx" \
    --pseudonymise --memos --matrix cases
# LibreOffice needs a writable profile; keep it inside OUT_DIR.
soffice -env:UserInstallation="file://$out/lo-profile" --headless --convert-to pdf --outdir "$out" \
    "$out/report.docx" >/dev/null
pdftoppm -png -r 60 "$out/report.pdf" "$out/page"
ls "$out"/page-*.png
