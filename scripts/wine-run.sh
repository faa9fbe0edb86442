#!/usr/bin/env bash
# Runs a Windows executable under Wine with a private, prepared prefix: CMake uses it as the
# cross-compiling emulator, so ctest and gtest discovery of the `windows` preset go through here.
# The prefix lives under the build tree (or $PTP_WINEPREFIX) so runs never touch ~/.wine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WINEPREFIX=${PTP_WINEPREFIX:-$here/build/windows/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
# No Mono/Gecko install prompts: nothing here needs them.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
unset DISPLAY
wine=$(command -v wine64 || command -v wine || true)
if [ -z "$wine" ]; then
  echo "wine-run.sh: wine is not installed (scripts/install-deps.sh installs it)" >&2
  exit 127
fi
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  # Serialise first-time prefix creation: ctest may start several tests at once.
  exec 9>"$WINEPREFIX.lock"
  flock 9
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    "$wine" wineboot -i >/dev/null 2>&1 || true
    "$(command -v wineserver || echo /usr/lib/wine/wineserver64)" -w 2>/dev/null || true
  fi
  flock -u 9
fi
exec "$wine" "$@"
