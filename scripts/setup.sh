#!/usr/bin/env bash
# Prepare this machine: the system packages the app needs and the virtual environment in .venv.
# Idempotent: what is already there is left alone. Used by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)                     # browser tests
command -v npm >/dev/null 2>&1 || need+=(npm)                               # the browser libraries (package.json)
# (grep reads all of fc-list's output: with -q it would stop early and pipefail would see SIGPIPE)
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)  # Chinese in PDFs
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)                # PDF checks
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)  # fast font subsetting
if [ "${1:-}" = "--test" ]; then
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)      # a real spreadsheet reads our exports
fi
if ((${#need[@]})); then
  echo "== installing system packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
# The versions come from requirements.lock (scripts/lock.sh writes it from pyproject.toml), checked
# against the hashes it keeps; then the project itself, without its dependencies. The stamp names the
# lock and pyproject.toml it was installed from.
stamp=.venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "== installing Python packages from requirements.lock"
  quiet() { grep -vE "is ignored|^\s*$|\*\*\*|!!|setuptools|wheel_obj|name as your package|SetuptoolsDeprecation|license|See https|By 2026|Please" || true; }
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock 2>&1 | quiet
  .venv/bin/python -m pip install -q --no-deps -e . 2>&1 | quiet
  if ! scripts/lock.sh --check 2>/dev/null; then
    # A dependency added to pyproject.toml and not locked yet: installed unpinned until scripts/lock.sh runs
    # (scripts/test.sh refuses a stale lock).
    echo "== requirements.lock is older than pyproject.toml's dependencies: installing those from pyproject.toml"
    .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | quiet
  fi
  .venv/bin/python -c "import django, weasyprint, playwright, cryptography" # fail here, not later, if the install broke
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The browser libraries the app serves itself (package.json: idb for the offline queue), from the npm
# registry at the versions package-lock.json pins, into node_modules/ (STATICFILES_DIRS points there).
npm_stamp=node_modules/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "$npm_stamp" ]; then
  echo "== installing browser libraries from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
