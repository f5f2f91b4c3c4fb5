#!/usr/bin/env bash
# Installs every Debian package kyso needs to build, test, fuzz and benchmark, on a bare
# Debian 12. Idempotent: installs only what is missing, and runs `apt-get update` only then.
set -euo pipefail

PKGS=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
  gettext
  # libraries
  libssl-dev zlib1g-dev libpng-dev libharfbuzz-dev libcurl4-openssl-dev libsqlite3-dev
  libmicrohttpd-dev libpq-dev libp11-kit-dev libunistring-dev libxml2-dev
  # the server (kysod): JSON, argon2id password hashing, PostgreSQL for its tests, nginx as TLS
  # front and benchmark baseline
  libjansson-dev libsodium-dev postgresql nginx-light
  # kysod's registers as spreadsheets (XLSX)
  libxlsxwriter-dev
  # the web UI: node + npm build it (npm ci from web/package-lock.json); its Playwright tests
  # drive Debian's chromium (never a downloaded browser); its language packs let --lang=vi
  # show date fields as dd/mm/yyyy
  nodejs chromium chromium-l10n
  # tokens
  softhsm2 opensc gnutls-bin
  # kyso-agent: its Windows cross-build (mingw-w64), its browser test (Debian's chromium,
  # node + npm for playwright-core), terminal pinentries (test_agent drives pinentry-tty)
  gcc-mingw-w64-x86-64 chromium nodejs pinentry-curses pinentry-tty
  # peer tools used as test oracles and benchmark baselines
  openssl sqlite3 qpdf poppler-utils mupdf-tools libpodofo-utils libnss3-tools curl python3 python3-pil
  libreoffice-writer-nogui fonts-liberation fonts-liberation2
  # UNO from Python: the tests save password-protected DOCX and ODT files through LibreOffice
  python3-uno
  hyperfine wrk time
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm comes with the machine's nodejs (NodeSource's package); Debian's own nodejs needs its npm.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
