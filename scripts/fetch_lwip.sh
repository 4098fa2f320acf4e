#!/usr/bin/env bash
# Fetches Debian's lwIP 2.1.3 source package into a build-tree folder,
# unpacks it with Debian's patches applied (they include the Unix sys_arch
# port), then applies ours from scripts/lwip-patches/. Prints the tree's path.
#
#   scripts/fetch_lwip.sh <dest-dir>
#
# apt-get source needs deb-src entries; the system has only deb ones. We
# derive deb-src entries from the system's own /etc/apt/sources.list.d/*.sources
# into a private folder and point apt at it, so the system's apt configuration,
# lists and caches are never touched and no host name is written here.
# Cached: the download is kept, and the tree is unpacked again only when our
# patches change (configure stays fast).
set -euo pipefail

dest=${1:?usage: fetch_lwip.sh <dest-dir>}
want_version=2.1.3
patches_dir=$(cd "$(dirname "$0")/lwip-patches" && pwd)
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
stamp="$dest/.unpacked"
tree="$dest/lwip-$want_version"
patches_hash=$(cat "$patches_dir"/*.patch | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$patches_hash" ] && [ -f "$tree/src/core/tcp.c" ]; then
  echo "$tree"
  exit 0
fi

command -v dpkg-source >/dev/null || {
  echo "fetch_lwip: dpkg-source missing; run scripts/deps.sh (it installs dpkg-dev)" >&2
  exit 1
}

download="$dest/download"
shopt -s nullglob
dscs=("$download"/lwip_"$want_version"*.dsc)
if [ ${#dscs[@]} -eq 0 ]; then
  apt_dir="$dest/apt"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  found=0
  for f in /etc/apt/sources.list.d/*.sources; do
    sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$apt_dir/sources.list.d/$(basename "$f")"
    found=1
  done
  if [ "$found" -eq 0 ]; then
    echo "fetch_lwip: no /etc/apt/sources.list.d/*.sources to derive deb-src entries from;" >&2
    echo "  configure with -DZTSDK_SYSTEM_LWIP=ON to use Debian's prebuilt liblwip-dev instead" >&2
    exit 1
  fi
  apt_opts=(
    -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=$(id -un)"
  )
  echo "fetch_lwip: fetching Debian's lwip source package into $download" >&2
  apt-get -qq "${apt_opts[@]}" update >&2
  rm -rf "$download"
  mkdir -p "$download"
  (cd "$download" && apt-get -qq "${apt_opts[@]}" source --download-only --only-source lwip >&2)
  dscs=("$download"/lwip_"$want_version"*.dsc)
  if [ ${#dscs[@]} -eq 0 ]; then
    echo "fetch_lwip: Debian's lwip source package is not version $want_version:" >&2
    ls "$download" >&2
    exit 1
  fi
fi

rm -rf "$tree" "$stamp"
dpkg-source -x "${dscs[0]}" "$tree" >&2
for p in "$patches_dir"/*.patch; do
  patch --quiet --forward --batch -p1 -d "$tree" < "$p" >&2 || {
    echo "fetch_lwip: patch $(basename "$p") does not apply to ${dscs[0]}" >&2
    exit 1
  }
done
echo "$patches_hash" > "$stamp"
echo "$tree"
