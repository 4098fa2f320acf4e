# Scenario: an application links libztsdk (static or shared) from C, defines
# functions with lwIP's names itself, and still gets ztsdk's sockets: lwIP's
# symbols are invisible in both libraries and the .so exports only zts_*.
# Usage: bash library_symbols.sh /path/to/build/ztsdk
set -euo pipefail

BUILD=$(dirname "$(realpath "${1:?usage: $0 /path/to/ztsdk}")")
if [[ $(ldd "$1" 2>/dev/null) == *libasan* ]]; then
  echo "SKIP: a sanitized build (this checks the release libraries)"
  exit 77
fi
LIB="$BUILD/src"
INCLUDE=$(realpath "$(dirname "$0")/../../include")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }

[[ -f "$LIB/libztsdk.a" && -f "$LIB/libztsdk.so" ]] || die "build libztsdk.a and libztsdk.so first"

others=$(nm -D --defined-only "$LIB/libztsdk.so" | awk '{print $3}' | grep -v '^zts_' || true)
[[ -z "$others" ]] || die "libztsdk.so exports more than zts_*: $(echo "$others" | head -5 | tr '\n' ' ')"
leaked=$(nm -g --defined-only "$LIB/libztsdk.a" 2>/dev/null |
  grep -E ' (tcp_connect|tcp_listen|netif_add|mem_malloc|pbuf_alloc|sys_now|sys_init|lwip_socket|etharp_output)$' || true)
[[ -z "$leaked" ]] || die "libztsdk.a has global lwIP symbols: $leaked"

cat >"$T/app.c" <<'C'
#include <stdio.h>
#include "ZeroTierSockets.h"
/* Names lwIP also uses: the application's own must win, without clashes. */
int tcp_connect(void) { return 42; }
unsigned int sys_now(void) { return 7; }
void* mem_malloc(unsigned long n) { (void)n; return 0; }
int main(void) {
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  if (fd < 0) { printf("socket failed\n"); return 1; }
  if (zts_bsd_close(fd) != ZTS_ERR_OK) return 2;
  if (zts_bsd_close(fd) != ZTS_ERR_SOCKET || zts_errno != ZTS_EBADF) return 3;
  if (tcp_connect() != 42 || sys_now() != 7) return 4;
  printf("ok\n");
  return 0;
}
C
DEPS="$(pkg-config --libs libsodium liblz4 libcrypto cpp-httplib) -lstdc++ -lpthread -lm"
cc -std=c11 -Wall -Wextra -I"$INCLUDE" "$T/app.c" "$LIB/libztsdk.a" $DEPS -o "$T/app_static" ||
  die "static link failed"
[[ $("$T/app_static") == ok ]] || die "statically linked app failed"
cc -std=c11 -Wall -Wextra -I"$INCLUDE" "$T/app.c" -L"$LIB" -lztsdk -Wl,-rpath,"$LIB" -o "$T/app_shared" ||
  die "shared link failed"
[[ $("$T/app_shared") == ok ]] || die "dynamically linked app failed"
echo "library_symbols: ok"
