#!/bin/sh
# Install Debian's chromium for tests/test_report_browser.py when it is missing.
# Never fails the caller: without root or apt it says why and exits 0 (the test then skips).
set -u
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $CHROMIUM"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium missing and not running as root: skipping install (browser test will skip)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium missing and apt-get not available: skipping install (browser test will skip)"
    exit 0
fi
if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; then
    echo "chromium installed: $CHROMIUM"
else
    echo "apt-get could not install chromium (offline?): browser test will skip"
fi
exit 0
