#!/usr/bin/env bash
# Installs Debian's chromium, firefox-esr and pulseaudio for the browser tests when missing
# (never a downloaded browser build). Idempotent and non-interactive.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
# Firefox plays and captures Web Audio only through a sound server (a null sink in tests).
command -v pulseaudio >/dev/null 2>&1 || missing+=(pulseaudio)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
command -v chromium firefox-esr pulseaudio
