#!/usr/bin/env bash
# Set up everything checkpoint_app needs on a fresh Debian/Ubuntu machine:
# the system packages (apt, as root or through sudo) and a virtual environment
# in .venv with the app, the reference server and the development tools.
# Safe to run again: it skips what is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# --- system packages -----------------------------------------------------------
# libzbar0: pyzbar's decoder; xvfb + xauth: a virtual screen for GUI tests and screenshots;
# fonts-noto-cjk: Chinese text; the libxcb/libgl/egl/xkb/dbus/fontconfig set: Qt's
# offscreen and xcb platforms; libpulse0/libasound2: Qt Multimedia sounds;
# fonts-droid-fallback: the small Chinese font build.spec puts in the bundle;
# binutils (PyInstaller's objdump/readelf/strip) and icu-devtools (icupkg): the bundle
# build, which trims Qt's ICU data (scripts/icu_trim.py).
APT_PACKAGES=(
  python3-venv libzbar0 xvfb xauth fonts-noto-cjk fonts-droid-fallback binutils icu-devtools
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libpulse0 libasound2
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      # Ubuntu 24.04 renamed libasound2 to libasound2t64
      if [ "$pkg" = libasound2 ] && dpkg-query -W -f='${Status}' libasound2t64 2>/dev/null | grep -q "install ok installed"; then
        continue
      fi
      missing+=("$pkg")
    fi
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    say "please install as root: apt-get install ${missing[*]}"; exit 2; fi
  say "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    # libasound2 is libasound2t64 on newer releases: retry with the new name
    missing=("${missing[@]/#libasound2/libasound2t64}")
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# --- Python virtual environment --------------------------------------------------
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then say "Python 3.11 or newer is needed (apt-get install python3)"; exit 2; fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment in .venv with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing checkpoint_app and its dependencies (pip install -e .[dev])"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
say "ready: $VENV"
