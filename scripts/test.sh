#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the tests: the README's test command, and CI's (with --all).
#   bash scripts/test.sh              the tests not marked slow, on every core (about 2¾ minutes on 2 cores)
#   bash scripts/test.sh --all        those, then the slow ones (LibreOffice and PDFs, the big batches, the
#                                     browser walks): what CI (.ci/run) runs
#   bash scripts/test.sh --slow       the slow ones only
#   bash scripts/test.sh tests/x.py   only what you name, as you name it (with pytest's own options)
#   (the first three also look for dead code with vulture: any finding fails them)
#   Debian packages: LibreOffice (documents open), pandoc (read back), poppler (PDF pages), Chromium (wizard e2e),
#   npm (to fetch axe-core, the accessibility checker of the wizard's browser test),
#   iproute2 (the no-network test's loopback-only namespace)
#   Python packages: the project and its test extras, in .venv
#   Before the tests (whole sets, not tests named by path): import-linter checks that the folders are a one-way
#   stack (pyproject.toml's [tool.importlinter], ARCHITECTURE.md)
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
# installed again only when pyproject.toml changed (the install is editable: the code needs none)
stamp=.venv/.installed-from
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi
# axe-core (the accessibility checker the browser test injects), from the npm registry, kept inside .venv
AXE=.venv/axe/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || (mkdir -p .venv/axe && cd .venv/axe && npm install --no-save --no-audit --no-fund --silent axe-core@4) \
  || echo "axe-core could not be fetched from the npm registry: the wizard's browser test will say so" >&2
export BALISES_AXE="$PWD/$AXE"

# Streamlit must not phone home, even from the tests
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
set_=fast
args=()
for arg in "$@"; do
  case "$arg" in
    --all)  set_=all ;;
    --slow) set_=slow ;;
    *)      args+=("$arg") ;;
  esac
done
paths=0
for arg in ${args[@]+"${args[@]}"}; do [[ "$arg" == -* ]] || paths=1; done
pytest() { .venv/bin/python -m pytest ${args[@]+"${args[@]}"} "$@"; }
status=0
if [ $paths -eq 0 ]; then  # the layers first: a broken contract fails the run, the tests still run
  .venv/bin/lint-imports --no-cache --no-logo || status=1
fi
keep() { local s=$1; [ $s -eq 5 ] && { echo "no tests were collected: $2" >&2; s=1; }; [ $status -eq 0 ] && status=$s; }
set +e
if [ $paths -eq 1 ]; then  # the tests asked for, as asked (every mark included unless -m says otherwise)
  pytest
  keep $? "the tests named"
else
  # dead code fails the run: vulture over the whole tree (settings: pyproject.toml [tool.vulture]); what a
  # framework calls but vulture cannot see goes in scripts/vulture_whitelist.py
  .venv/bin/python -m vulture
  keep $? "vulture (dead code)"
  # on every core (pytest-xdist). The fast set spread test by test (worksteal: a worker left idle takes tests
  # from another); the slow set a file's tests on one worker (loadfile: a file's tests share one LibreOffice
  # run); the browser walks last, on their own, since a real browser's timing does not survive a machine kept
  # busy by LibreOffice and batch workers
  if [ $set_ = fast ]; then  # counted meanwhile, said at the end (pytest-xdist does not report what -m left out)
    slow_count=$(mktemp)
    (.venv/bin/python -m pytest --collect-only -q -m slow 2>/dev/null | tail -1 | cut -d' ' -f1 > "$slow_count") &
  fi
  if [ $set_ != slow ]; then
    pytest -n auto --dist worksteal -m "not slow"
    keep $? "the fast set (-m 'not slow')"
  fi
  if [ $set_ != fast ]; then
    pytest -n auto --dist loadfile -m "slow and not browser"
    keep $? "the slow set (-m 'slow and not browser')"
    pytest -m browser
    keep $? "the browser walks (-m browser)"
  else
    wait
    slow=$(cat "$slow_count"); rm -f "$slow_count"
    echo "Not run: ${slow:-?} tests, those marked slow (LibreOffice and PDFs, big batches, the browser" \
         "walks): bash scripts/test.sh --all runs them too, as CI does." >&2
  fi
fi
set -e
exit $status
