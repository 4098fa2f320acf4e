#!/usr/bin/env bash
# Installs the Debian packages ztsdk builds and tests with, when any is missing.
# Idempotent and quiet when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  dpkg-dev patch  # unpack and patch Debian's lwip source package (fetch_lwip.sh)
  libsodium-dev libssl-dev liblz4-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 iproute2
  # unmodified programs the intercept and SOCKS5 scenarios run
  curl netcat-openbsd redis-server redis-tools proxychains4
)
# clang + its runtime give us libFuzzer; optional for the main build.
optional=(clang libclang-rt-dev)

missing=()
for p in "${packages[@]}" "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
