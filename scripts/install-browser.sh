#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium (Playwright drives it; the Playwright
# Python package itself comes with the `dev` extra). Run by .ci/run; idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
