#!/usr/bin/env bash
# Installs Chromium from Debian for the tests that drive a real browser (apps/viewer, the package
# consumer checks) through playwright-core with executablePath /usr/bin/chromium. Browsers are
# never downloaded by npm (no `playwright install`). Prints nothing when Chromium is already there;
# needs root (or sudo) and apt-get otherwise.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-browser: apt-get not found; install Chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-browser: installing chromium" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
