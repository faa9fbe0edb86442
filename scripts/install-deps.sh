#!/usr/bin/env bash
# Installs everything ptpstack's build, tests and tools need on Debian 12 (bookworm), as root.
# Idempotent and non-interactive. Also enables Debian source packages (deb-src), derived from
# the machine's own apt sources, because the Windows cross-build takes Boost from `apt-get source`.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# deb-src entries mirroring the configured deb entries, so `apt-get source` works.
src_file=/etc/apt/sources.list.d/ptpstack-src.sources
if [ ! -f "$src_file" ]; then
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    [ "$f" = "$src_file" ] && continue
    # deb822 stanzas: keep those with Types containing deb, rewrite Types to deb-src.
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /(^|\n)Types:[^\n]*(^| )deb( |\n|$)/ {
           sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f" >>"$tmp"
  done
  if [ -f /etc/apt/sources.list ]; then
    # one-line format: "deb [opts] URI suite comps" -> deb822 stanza
    awk '$1 == "deb" {
           i = 2; opts = "";
           if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
           uri = $i; suite = $(i+1); comps = "";
           for (j = i + 2; j <= NF; j++) comps = comps " " $j;
           printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:%s\n", uri, suite, comps;
           if (opts ~ /signed-by=/) { s = opts; sub(/.*signed-by=/, "", s); sub(/[] ].*/, "", s); printf "Signed-By: %s\n", s }
           printf "\n" }' /etc/apt/sources.list >>"$tmp"
  fi
  if [ -s "$tmp" ]; then
    install -m 0644 "$tmp" "$src_file"
  else
    echo "install-deps.sh: found no deb entries to derive deb-src from" >&2
  fi
  rm -f "$tmp"
fi

apt-get update -q

packages=(
  # toolchain
  build-essential g++ cmake ninja-build git ca-certificates pkg-config dpkg-dev xz-utils file patch util-linux
  # libraries
  libboost1.81-dev libboost-program-options1.81-dev libtoml11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing and static checks (clang's libFuzzer runtime comes with libclang-rt-14-dev)
  clang libclang-rt-14-dev clang-format clang-tidy
  # Windows cross-build and its test runner
  mingw-w64 g++-mingw-w64-x86-64-posix wine wine64
  # ptp4win's Windows Installer package (wixl) and its checks (msiinfo, msiextract, msibuild)
  msitools wixl
  # interop peers, packet dissection, network namespaces, plots, scraping ptp4win's /metrics
  linuxptp tshark iproute2 gnuplot-nox procps curl
)
apt-get install -y -q --no-install-recommends "${packages[@]}"
echo "install-deps.sh: done"
