# Scenario: `cmake --install` into a fresh prefix, then a small C program
# built against the installed tree only, four ways: pkg-config and
# find_package(ztsdk), each static and shared. Each build runs: it starts a
# node (no storage, no planet), sees NODE_UP through its event handler,
# computes an address and stops again.
# Usage: bash zts_install.sh /path/to/build/ztsdk
set -euo pipefail

BUILD=$(dirname "$(realpath "${1:?usage: $0 /path/to/ztsdk}")")
if [[ $(ldd "$1" 2>/dev/null) == *libasan* ]]; then
  echo "SKIP: a sanitized build (this checks the release libraries)"
  exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$T/prefix" >"$T/install.log" || die "cmake --install failed: $(cat "$T/install.log")"
for f in include/zts.h include/ZeroTierSockets.h; do [[ -f $T/prefix/$f ]] || die "$f not installed"; done
pc=$(find "$T/prefix" -name ztsdk.pc)
config=$(find "$T/prefix" -name ztsdkConfig.cmake)
[[ -n $pc && -n $config ]] || die "ztsdk.pc or ztsdkConfig.cmake not installed"
ls "$(dirname "$(dirname "$pc")")"/libztsdk.a "$(dirname "$(dirname "$pc")")"/libztsdk.so >/dev/null ||
  die "libztsdk.a or libztsdk.so not installed"

cat >"$T/app.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <ZeroTierSockets.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int node_up = 0;

static void on_event(void* arg) {
  zts_event_msg_t* msg = arg;
  pthread_mutex_lock(&lock);
  if (msg->event_code == ZTS_EVENT_NODE_UP && msg->node->node_id != 0) node_up = 1;
  pthread_cond_signal(&changed);
  pthread_mutex_unlock(&lock);
}

int main(void) {
  char ip[ZTS_IP_MAX_STR_LEN];
  if (zts_addr_compute_rfc4193_str(0x8056c2e21c000001ULL, 0x8056c2e21cULL, ip, sizeof ip) != ZTS_ERR_OK ||
      strcmp(ip, "fd80:56c2:e21c:0:199:9380:56c2:e21c") != 0) {
    printf("rfc4193: %s\n", ip);
    return 1;
  }
  if (zts_init_allow_id_cache(0) != ZTS_ERR_OK || zts_init_set_event_handler(on_event) != ZTS_ERR_OK ||
      zts_node_start() != ZTS_ERR_OK)
    return 2;
  pthread_mutex_lock(&lock);
  while (!node_up) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
  if (zts_node_get_id() == 0 || zts_node_get_port() <= 0) return 3;
  if (zts_net_get_status(0x8056c2e21c000001ULL) != ZTS_ERR_NO_RESULT) return 4;
  if (zts_node_stop() != ZTS_ERR_OK || zts_node_free() != ZTS_ERR_OK) return 5;
  if (zts_net_join(1) != ZTS_ERR_SERVICE) return 6;
  printf("ok\n");
  return 0;
}
C

run() {
  local what=$1 exe=$2 out
  out=$("$exe" 2>/dev/null) || die "$what: the program failed (exit $?, said: $out)"
  [[ $out == ok ]] || die "$what: said $out"
  echo "$what: ok"
}

export PKG_CONFIG_PATH="$(dirname "$pc")"
libdir=$(pkg-config --variable=libdir ztsdk)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags ztsdk) "$T/app.c" -o "$T/app_pc_shared" \
  $(pkg-config --libs ztsdk) -lpthread -Wl,-rpath,"$libdir" || die "pkg-config shared build failed"
run "pkg-config, shared" "$T/app_pc_shared"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags ztsdk) "$T/app.c" -o "$T/app_pc_static" \
  "$libdir/libztsdk.a" $(pkg-config --static --libs ztsdk | sed 's/-lztsdk//') ||
  die "pkg-config static build failed"
ldd "$T/app_pc_static" | grep -q libztsdk && die "the static build links libztsdk.so"
run "pkg-config, static" "$T/app_pc_static"

mkdir -p "$T/cmake"
cp "$T/app.c" "$T/cmake/"
cat >"$T/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(app C CXX)
find_package(ztsdk 0.1 REQUIRED)
add_executable(app_shared app.c)
target_link_libraries(app_shared PRIVATE ztsdk::ztsdk)
add_executable(app_static app.c)
target_link_libraries(app_static PRIVATE ztsdk::ztsdk_static)
CMAKE
cmake -S "$T/cmake" -B "$T/cmake/build" -DCMAKE_PREFIX_PATH="$T/prefix" >"$T/cmake.log" 2>&1 ||
  die "find_package(ztsdk) failed: $(tail -20 "$T/cmake.log")"
cmake --build "$T/cmake/build" >>"$T/cmake.log" 2>&1 || die "the CMake build failed: $(tail -20 "$T/cmake.log")"
run "find_package, shared" "$T/cmake/build/app_shared"
run "find_package, static" "$T/cmake/build/app_static"
echo "zts_install: ok"
