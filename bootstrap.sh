#!/usr/bin/env bash
# Set up govreport on a fresh Debian/Ubuntu machine and run it.
#
#   ./bootstrap.sh report   install, check the data and render the default report (五原县民政局, 2020)
#   ./bootstrap.sh test     install with the test extras and run the linters and the test suite
#
# System packages (Noto CJK fonts, Chromium for PDF, poppler-utils) are installed with apt-get when
# missing: directly as root, through sudo otherwise. Python packages go into ./.venv.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-report}"
case "$mode" in report|test) ;; *) echo "usage: $0 report|test" >&2; exit 2 ;; esac

APT_PACKAGES=(fonts-noto-cjk fonts-lxgw-wenkai chromium poppler-utils)
PYTHON="${PYTHON:-python3}"

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"govreport needs Python >= 3.11 (found {sys.version.split()[0]}); set PYTHON=/path/to/python3.11")
PY

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
extras="lab"
[ "$mode" = test ] && extras="lab,test,dask,docs"
echo "==> pip install -e .[$extras]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"

if [ "$mode" = report ]; then
  .venv/bin/govreport check data
  .venv/bin/govreport stats --agency 五原县民政局 --year 2020
  if .venv/bin/govreport render --help >/dev/null 2>&1; then
    .venv/bin/govreport render --agency 五原县民政局 --year 2020
  fi
else
  .venv/bin/ruff check .
  .venv/bin/python -m pytest -q
fi
