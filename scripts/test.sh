#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the whole test suite: the README's test command, and CI's.
#   Debian packages: LibreOffice (documents open), pandoc (read back), poppler (PDF pages), Chromium (wizard e2e),
#   npm (to fetch axe-core, the accessibility checker of the wizard's browser test),
#   iproute2 (the no-network test's loopback-only namespace)
#   Python packages: the project and its test extras, in .venv
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v soffice  >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pandoc   >/dev/null 2>&1 || need+=(pandoc)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ]            || need+=(chromium)
command -v npm      >/dev/null 2>&1 || need+=(npm)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || need+=(fonts-liberation2)
command -v ip       >/dev/null 2>&1 || need+=(iproute2)   # no-network test: a namespace with loopback only
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
# axe-core (the accessibility checker the browser test injects), from the npm registry, kept inside .venv
AXE=.venv/axe/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || (mkdir -p .venv/axe && cd .venv/axe && npm install --no-save --no-audit --no-fund --silent axe-core@4) \
  || echo "axe-core could not be fetched from the npm registry: the wizard's browser test will say so" >&2
export BALISES_AXE="$PWD/$AXE"

# Streamlit must not phone home, even from the tests
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
paths=0
for arg in "$@"; do [[ "$arg" == -* ]] || paths=1; done
set +e
if [ $paths -eq 1 ]; then  # the tests asked for, as asked
  .venv/bin/python -m pytest "$@"
  status=$?
else
  # on every core (pytest-xdist), a test file's tests on one worker; then the browser walks on their own,
  # since a real browser's timing does not survive a machine kept busy by LibreOffice and batch workers
  .venv/bin/python -m pytest -n auto --dist loadfile --ignore=tests/test_e2e_browser.py "$@"
  status=$?
  .venv/bin/python -m pytest tests/test_e2e_browser.py "$@"
  browser=$?
  [ $status -eq 0 ] && status=$browser
fi
set -e
[ $status -eq 5 ] && { echo "no tests were collected" >&2; exit 1; }
exit $status
