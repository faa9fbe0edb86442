#!/usr/bin/env bash
# Fetches the Boost sources that the Windows (mingw-w64) cross-build compiles, from Debian's
# `boost1.81` source package, and lays out a minimal Boost CMake superproject tree in the cache.
#
# Native Linux builds use Debian's installed Boost (libboost1.81-dev); mingw-w64 has no Boost
# package, so cmake/PtpBoost.cmake builds Boost.Program_options (and provides header-only
# Boost.Asio) from this tree with Boost's own CMake support (root CMakeLists.txt + tools/cmake).
#
# Usage: scripts/fetch-boost-source.sh [LIBRARY...]      (default: program_options asio)
#
#   The tree is   ${PTP_CACHE_DIR:-<repo>/.cache}/boost1.81/boost   (a relative PTP_CACHE_DIR is
#   taken from the repository root)
#   and its path is also printed as the last line on stdout. Progress goes to stderr.
#
# What it does, and why it is fast:
#   1. `apt-get source --download-only boost1.81` into <cache>/boost1.81/download (apt checks the
#      hashes against the signed Sources index; files already there are not downloaded again).
#      Needs deb-src entries: scripts/install-deps.sh writes them.
#   2. Extracts from the ~70 MiB orig tarball only the superproject's CMake files and every
#      library's CMakeLists.txt, computes the dependency closure of the requested libraries the
#      same way Boost's tools/cmake/include/BoostRoot.cmake does (lines `Boost::<lib>`), then
#      extracts only those libraries (without their tests, docs and examples).
#   3. Applies the Debian quilt patches (debian/patches/series) that touch the extracted files.
#   4. Writes a stamp; the next run with the same library list only prints the path (no apt, no
#      network). Set PTP_BOOST_REFETCH=1 to rebuild the tree anyway.
#
# Needs apt (apt-get, apt-cache), tar, xz-utils; dpkg-dev is what apt-get source normally uses to
# unpack and is installed by scripts/install-deps.sh, but this script unpacks selectively itself.
set -euo pipefail

pkg=boost1.81
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cache=${PTP_CACHE_DIR:-$here/.cache}
case "$cache" in /*) ;; *) cache=$here/$cache ;; esac # a relative PTP_CACHE_DIR is under the repo
base=$cache/$pkg
tree=$base/boost
downloads=$base/download
stamp=$tree/.ptp-fetch-stamp

log() { echo "fetch-boost-source.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if [ "$#" -gt 0 ]; then
  libs=("$@")
else
  libs=(program_options asio)
fi
# Sorted, unique, space-separated: the stamp compares this list.
wanted=$(printf '%s\n' "${libs[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//')

stamp_ok() {
  [ -f "$stamp" ] && [ "$(sed -n 's/^libraries=//p' "$stamp")" = "$wanted" ] && [ -f "$tree/CMakeLists.txt" ]
}

if [ "${PTP_BOOST_REFETCH:-0}" != 1 ] && stamp_ok; then
  log "using cached $(sed -n 's/^package=//p' "$stamp") sources ($wanted)"
  echo "$tree"
  exit 0
fi

mkdir -p "$base"
# Serialise concurrent runs (e.g. two configures sharing one cache).
exec 9>"$base/.lock"
flock 9
if [ "${PTP_BOOST_REFETCH:-0}" != 1 ] && stamp_ok; then
  echo "$tree"
  exit 0
fi

for tool in apt-get apt-cache dpkg tar xz; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (scripts/install-deps.sh installs what is needed)"
done

# --- 1. download -------------------------------------------------------------------------------
# The newest version the deb-src index offers (several suites may list one each).
version=
while read -r v; do
  if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then version=$v; fi
done < <(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p')
if [ -z "$version" ]; then
  die "apt knows no source package '$pkg', so 'apt-get source' is impossible here.
  It needs deb-src entries and an updated index: run scripts/install-deps.sh as root
  (it writes /etc/apt/sources.list.d/ptpstack-src.sources and runs apt-get update),
  or add deb-src lines for Debian 12 (bookworm) yourself and run 'apt-get update'.
  Alternatively point PTP_BOOST_SOURCE_DIR (CMake) at an existing Boost 1.81 superproject tree."
fi
upstream=${version%-*}
upstream=${upstream#*:}

mkdir -p "$downloads"
apt_opts=(-q -o APT::Get::Only-Source=true)
# apt drops to the _apt user for downloads; as root into a root-owned cache it can't, and says so.
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
log "downloading $pkg $version (apt-get source --download-only)"
(cd "$downloads" && apt-get "${apt_opts[@]}" source --download-only "$pkg=$version" >&2) ||
  die "'apt-get source --download-only $pkg=$version' failed (see above)"

orig=$downloads/${pkg}_${upstream}.orig.tar.xz
debtar=$(find "$downloads" -maxdepth 1 -type f -name "${pkg}_${version#*:}.debian.tar.*" | head -n1)
[ -f "$orig" ] || die "expected $orig after apt-get source"
[ -n "$debtar" ] || die "expected the Debian tarball ${pkg}_${version#*:}.debian.tar.* in $downloads"
# Remove other versions' tarballs (a newer Debian revision replaced them).
find "$downloads" -maxdepth 1 -type f -name "${pkg}_*" \
  ! -name "$(basename "$orig")" ! -name "${pkg}_${version#*:}.*" -delete

# --- 2. selective extraction ---------------------------------------------------------------------
staging=$(mktemp -d "$base/.staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
src=$staging/boost
mkdir -p "$src"

# Member names start with the tarball's top directory ("boost/"); match it with a wildcard and
# strip it, so the layout of the tarball's top level doesn't matter. '*' must not match '/'.
untar() { tar -xJf "$orig" -C "$src" --strip-components=1 --wildcards --no-wildcards-match-slash "$@"; }

log "extracting the CMake superproject files from $(basename "$orig")"
untar '*/CMakeLists.txt' '*/LICENSE_1_0.txt' '*/tools/cmake/include/*.cmake' \
  '*/libs/*/CMakeLists.txt' '*/libs/numeric/*/CMakeLists.txt'
if [ ! -f "$src/CMakeLists.txt" ] || [ ! -f "$src/tools/cmake/include/BoostRoot.cmake" ]; then
  die "$(basename "$orig") has no CMake superproject (CMakeLists.txt + tools/cmake)"
fi

# Dependency closure, as BoostRoot.cmake's __boost_scan_dependencies computes it.
deps_of() {
  sed -n -E 's/^ *Boost::([A-Za-z0-9_]+) *$/\1/p' "$src/libs/$1/CMakeLists.txt" | sed -E 's/^numeric_/numeric\//'
}
closure=()
todo=("${libs[@]}")
while [ "${#todo[@]}" -gt 0 ]; do
  next=()
  for lib in "${todo[@]}"; do
    case " ${closure[*]} " in *" $lib "*) continue ;; esac
    [ -f "$src/libs/$lib/CMakeLists.txt" ] || die "Boost library '$lib' has no libs/$lib/CMakeLists.txt in $(basename "$orig")"
    closure+=("$lib")
    mapfile -t d < <(deps_of "$lib")
    next+=("${d[@]}")
  done
  todo=("${next[@]}")
done
mapfile -t closure < <(printf '%s\n' "${closure[@]}" | sort -u)
log "libraries needed (${#closure[@]}): ${closure[*]}"

# Keep only the needed libraries' CMakeLists.txt (BoostRoot globs libs/*/CMakeLists.txt).
for cml in "$src"/libs/*/CMakeLists.txt "$src"/libs/numeric/*/CMakeLists.txt; do
  [ -f "$cml" ] || continue
  lib=${cml#"$src/libs/"}
  lib=${lib%/CMakeLists.txt}
  case " ${closure[*]} " in *" $lib "*) ;; *) rm -f "$cml"; rmdir "$(dirname "$cml")" 2>/dev/null || true ;; esac
done

patterns=()
for lib in "${closure[@]}"; do patterns+=("*/libs/$lib"); done
# Everything of those libraries (a matched directory is extracted whole) except tests, docs,
# examples, benchmarks and CI files, which Boost's CMake doesn't use with BUILD_TESTING off.
excludes=()
for d in test doc example examples bench benchmark perf performance meta '.*'; do
  excludes+=("--exclude=*/libs/*/$d" "--exclude=*/libs/numeric/*/$d")
done
untar "${excludes[@]}" "${patterns[@]}"

# --- 3. Debian's patches -----------------------------------------------------------------------
mkdir -p "$staging/debian"
tar -xf "$debtar" -C "$staging/debian" --strip-components=1 debian/patches
series=$staging/debian/patches/series
applied=()
if [ -f "$series" ]; then
  while read -r name opts; do
    case "$name" in '' | '#'*) continue ;; esac
    p=$staging/debian/patches/$name
    strip=1
    [[ "${opts:-}" =~ -p([0-9]+) ]] && strip=${BASH_REMATCH[1]}
    present=0
    missing=0
    while read -r target; do
      rel=$(echo "$target" | cut -d/ -f$((strip + 1))-)
      if [ -e "$src/$rel" ]; then present=$((present + 1)); else missing=$((missing + 1)); fi
    done < <(sed -n -E 's/^\+\+\+ ([^\t ]+).*/\1/p' "$p")
    [ "$present" -eq 0 ] && continue
    [ "$missing" -eq 0 ] || die "Debian patch $name touches both extracted and not-extracted files"
    command -v patch >/dev/null || die "'patch' is needed to apply Debian patch $name"
    patch -s -p"$strip" -d "$src" <"$p" >&2 || die "Debian patch $name does not apply"
    applied+=("$name")
  done <"$series"
fi
log "Debian patches applied: ${applied[*]:-none (none touches the extracted libraries)}"

cat >"$src/.ptp-fetch-stamp" <<EOF
package=$pkg $version
libraries=$wanted
closure=${closure[*]}
debian_patches=${applied[*]:-}
EOF

# --- 4. publish --------------------------------------------------------------------------------
rm -rf "$tree"
mv "$src" "$tree"
log "Boost sources ready in $tree ($(du -sh "$tree" | cut -f1))"
echo "$tree"
