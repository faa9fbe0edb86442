#!/usr/bin/env bash
# Checks that every C++ file is clang-format clean and that clang-tidy (config: .clang-tidy)
# finds nothing, using the compile database of a configured build (default: build/dev).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build/dev}
[ -f "$build/compile_commands.json" ] || { echo "lint.sh: configure $build first" >&2; exit 2; }

mapfile -t files < <(git ls-files '*.cpp' '*.h')
clang-format --dry-run --Werror "${files[@]}"
echo "lint.sh: clang-format clean (${#files[@]} files)"

# clang-tidy checks the translation units that this build compiles.
mapfile -t units < <(git ls-files '*.cpp' | while read -r f; do
  grep -q "\"file\": \"$PWD/$f\"" "$build/compile_commands.json" && echo "$f"; done)
printf '%s\n' "${units[@]}" | xargs -P 2 -n 4 clang-tidy -p "$build" --quiet 2>/dev/null
echo "lint.sh: clang-tidy clean (${#units[@]} translation units)"
