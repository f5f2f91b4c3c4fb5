#!/usr/bin/env bash
# Makes the sample official decision the demo and the tests sign: docs/sample/quyet-dinh.fodt
# (a flat ODT kept in git) converted to PDF by LibreOffice headless, with a private profile so
# that it never touches the user's. Usage: scripts/sample_pdf.sh OUT.pdf
# The result is cached beside OUT (OUT is rebuilt only when the .fodt is newer); concurrent
# callers (ctest -j) wait for one another on a lock. Fails when soffice is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/docs/sample/quyet-dinh.fodt
OUT=${1:?usage: sample_pdf.sh OUT.pdf}
command -v soffice >/dev/null || { echo "sample_pdf.sh: soffice (LibreOffice) is missing" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9
if [ -s "$OUT" ] && [ "$OUT" -nt "$SRC" ]; then exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
soffice -env:UserInstallation="file://$T/profile" --headless --convert-to pdf --outdir "$T" \
  "$SRC" >"$T/log" 2>&1 || { cat "$T/log" >&2; exit 1; }
[ -s "$T/quyet-dinh.pdf" ] || { echo "sample_pdf.sh: LibreOffice made no PDF" >&2; cat "$T/log" >&2; exit 1; }
mv "$T/quyet-dinh.pdf" "$OUT"
