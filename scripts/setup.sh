#!/usr/bin/env bash
# Install what kansa needs on a fresh Debian machine: system packages, a virtualenv, the package.
#   scripts/setup.sh          the product (for `kansa demo`)
#   scripts/setup.sh --dev    plus test tools and the Spark extra (for the test suite)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

# Debian packages: IPAex fonts for Japanese PDFs and charts, Pango for WeasyPrint,
# HarfBuzz-subset so WeasyPrint subsets the IPAex fonts in milliseconds (fontTools takes ~1 s a font),
# gettext to compile the web app's Japanese messages; for tests a Java runtime for the Spark engine,
# poppler to look at PDFs, PostgreSQL for the web app's second test run, chromium for the browser tests
# (Playwright drives Debian's chromium; no browser is downloaded).
pkgs=(fonts-ipaexfont libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext)
[ "$dev" = 1 ] && pkgs+=(openjdk-17-jre-headless poppler-utils postgresql chromium)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[dev,spark,web]'
else
  .venv/bin/python -m pip install -q -e '.[web]'
fi
# the web app's messages: .po (committed) -> .mo; each web app may carry its own locale/ folder
for po in src/kansa/web/locale/*/LC_MESSAGES/django.po src/kansa/web/*/locale/*/LC_MESSAGES/django.po; do
  [ -f "$po" ] && msgfmt --check -o "${po%.po}.mo" "$po"
done
echo "kansa installed in .venv ($(.venv/bin/kansa --version))"
