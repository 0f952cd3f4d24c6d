#!/usr/bin/env bash
# Programs the tests drive, from Debian's packages, installed when missing: Chromium and CJK fonts for the
# browser journeys, curl for the printed API examples (tests/api/test_examples.py runs each one), OpenSSH's
# server and client for the off-site backup copy to another host (tests/sshd.py starts a throw-away sshd).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "cjk" \
   && [ -x /usr/sbin/sshd ] && command -v sftp >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Chromium, CJK fonts, curl and OpenSSH for the tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fontconfig curl \
  openssh-server openssh-client >/dev/null
