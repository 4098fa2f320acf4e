# Scenario: unmodified programs on a virtual network through
# libztintercept.so. Two members A and B (intercept_common.bash); programs
# run on this host under LD_PRELOAD, each as a member of A's or B's service.
#   - curl on A fetches from python3 -m http.server on B (a small page and
#     8 MiB, checked), and by name through the network's DNS (a DNS server
#     on B answers for zt.test);
#   - nc in both directions, a file each way;
#   - a UDP echo on B and a client on A (sizes up to 60000, connected and not);
#   - redis-server on B, redis-cli and a short redis-benchmark on A;
#   - the wildcard listener still serves the kernel side (curl on 127.0.0.1);
#   - IPv6: curl to B's RFC4193 address (a dual-stack listener), and a UDP
#     exchange over IPv6;
#   - ZTS_INTERCEPT_STRICT=1: the network works, the kernel's addresses and
#     names outside the network do not.
# Usage: bash intercept_programs.sh /path/to/ztsdk
# shellcheck source=intercept_common.bash
source "$(dirname "$0")/intercept_common.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in curl nc redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/deps.sh)"; exit 77; }
done
cd "$T"

# The library brings nothing into a program but itself: libc only, and only
# the functions it stands in for exported.
if ((SANITIZED == 1)); then
  # curl deadlocks in its own setlocale() with ASan's runtime preloaded; the
  # sanitized run covers the intercept with intercept_conformance and
  # intercept_lifecycle (python programs) instead.
  echo "SKIP: third-party programs under a preloaded ASan runtime"
  exit 77
fi
needed=$(readelf -d "$LIB" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
[[ $needed == "libc.so.6 " ]] || die "libztintercept.so needs more than libc: $needed"
exported=$(nm -D --defined-only "$LIB" | awk '$2 == "T" || $2 == "W" { print $3 }' | grep -v -E \
  '^(socket|bind|listen|connect|accept4?|get(sock|peer)name|[gs]etsockopt|shutdown|ioctl|close(_range)?|dup[23]?|fcntl(64)?|readv?|writev?|recv(from|msg|mmsg)?|send(to|msg|mmsg)?|__read_chk|__recv(from)?_chk|getaddrinfo|gethostbyname2?(_r)?)$' || true)
[[ -z $exported ]] || die "libztintercept.so exports more than its hooks: $exported"

# --- HTTP: curl on A, python3 -m http.server on B
mkdir www
echo "hello from B" >www/index.html
head -c $((8 << 20)) /dev/urandom >www/big.bin
HTTP_PORT=$(free_port)
background b "$PYTHON" -m http.server "$HTTP_PORT" --bind 0.0.0.0 --directory www
wait_for 10 "the http server on B never answered" tcp_open_via_a "$B_IP" "$HTTP_PORT"
[[ $(on_a curl -sS --max-time 10 "http://$B_IP:$HTTP_PORT/index.html") == "hello from B" ]] ||
  die "curl through the intercept did not get the page"
on_a curl -sS --max-time 30 -o big.got "http://$B_IP:$HTTP_PORT/big.bin" || die "curl of 8 MiB failed"
cmp -s www/big.bin big.got || die "the 8 MiB file came through changed"
# The same server's kernel half: its wildcard listener accepts on the host too.
[[ $(curl -sS --max-time 5 "http://127.0.0.1:$HTTP_PORT/index.html") == "hello from B" ]] ||
  die "the wildcard listener does not serve the kernel side"
echo "curl <- http.server: ok (page, 8 MiB, kernel side)"

# --- IPv6: a dual-stack server (bound to ::) on B, reached over IPv6 and IPv4
HTTP6_PORT=$(free_port)
background b "$PYTHON" -m http.server "$HTTP6_PORT" --bind :: --directory www
wait_for 10 "the IPv6 http server on B never answered" tcp_open_via_a "$B_IP" "$HTTP6_PORT"
[[ $(on_a curl -sS -g --max-time 10 "http://[$B_IP6]:$HTTP6_PORT/index.html") == "hello from B" ]] ||
  die "curl over IPv6 failed"
[[ $(on_a curl -sS --max-time 10 "http://$B_IP:$HTTP6_PORT/index.html") == "hello from B" ]] ||
  die "curl over IPv4 to a dual-stack listener failed"
echo "IPv6: curl to [$B_IP6] and to a dual-stack listener over IPv4"

# --- names: a DNS server on B for zt.test, asked through the network
background b "$PYTHON" "$HERE/intercept/dns_server.py" "$B_IP" "$B_IP"
resolves() { [[ $(on_a getent ahostsv4 web.zt.test | awk 'NR == 1 { print $1 }') == "$B_IP" ]]; }
wait_for 10 "web.zt.test never resolved through the network's DNS" resolves
[[ $(on_a curl -sS --max-time 10 "http://web.zt.test:$HTTP_PORT/index.html") == "hello from B" ]] ||
  die "curl by name failed"
if on_a getent ahostsv4 nothere.example.invalid >/dev/null 2>&1; then
  die "a name outside the network resolved"
fi
echo "names: web.zt.test -> $B_IP through the network's DNS server"

# --- nc both ways
head -c 300000 /dev/urandom >to_b.bin
head -c 300000 /dev/urandom >to_a.bin
NC_PORT=$(free_port)
# send_with_nc a|b IP FILE: retried until the listener is up (a refused
# connection sends nothing).
send_with_nc() {
  local side=$1 ip=$2 file=$3
  for _ in $(seq 50); do
    if [[ $side == a ]]; then on_a nc -N -w 10 "$ip" "$NC_PORT" <"$file" 2>/dev/null && return 0
    else on_b nc -N -w 10 "$ip" "$NC_PORT" <"$file" 2>/dev/null && return 0; fi
    sleep 0.2
  done
  return 1
}
background b sh -c "nc -l $NC_PORT >from_a.bin"
send_with_nc a "$B_IP" to_b.bin || die "nc A -> B failed"
wait "$LAST_PID" || die "nc on B failed"
cmp -s to_b.bin from_a.bin || die "nc A -> B: the data differs"
background a sh -c "nc -l $NC_PORT >from_b.bin"
send_with_nc b "$A_IP" to_a.bin || die "nc B -> A failed"
wait "$LAST_PID" || die "nc on A failed"
cmp -s to_a.bin from_b.bin || die "nc B -> A: the data differs"
echo "nc: 300 kB each way"

# --- UDP
UDP_PORT=$(free_port)
background b "$PYTHON" "$HERE/intercept/udp_echo.py" "$UDP_PORT"
sleep 0.5
on_a "$PYTHON" "$HERE/intercept/udp_client.py" "$B_IP" "$UDP_PORT" || die "the UDP exchange failed"
UDP6_PORT=$(free_port)
background b "$PYTHON" "$HERE/intercept/udp_echo.py" "$UDP6_PORT" 6
sleep 0.5
on_a "$PYTHON" "$HERE/intercept/udp_client.py" "$B_IP6" "$UDP6_PORT" || die "the UDP exchange over IPv6 failed"

# --- strict: only the virtual networks
[[ $(ZTS_INTERCEPT_STRICT=1 on_a curl -sS --max-time 10 "http://$B_IP:$HTTP_PORT/index.html") == "hello from B" ]] ||
  die "strict mode refused the virtual network"
if ZTS_INTERCEPT_STRICT=1 on_a curl -sS --max-time 5 "http://127.0.0.1:$HTTP_PORT/index.html" >/dev/null 2>&1; then
  die "strict mode let a kernel address through"
fi
if ZTS_INTERCEPT_STRICT=1 on_a getent ahostsv4 localhost >/dev/null 2>&1; then
  die "strict mode resolved a name outside the network"
fi
echo "strict: virtual network only"

# --- redis
REDIS_PORT=$(free_port)
background b redis-server --port "$REDIS_PORT" --bind 0.0.0.0 --protected-mode no --save "" \
  --appendonly no --dir "$T" --logfile "$T/redis.log"
wait_for 10 "redis on B never answered" tcp_open_via_a "$B_IP" "$REDIS_PORT"
on_a redis-cli -h "$B_IP" -p "$REDIS_PORT" set greeting "hello over zt" >/dev/null || die "redis-cli set failed"
[[ $(on_a redis-cli -h "$B_IP" -p "$REDIS_PORT" get greeting) == "hello over zt" ]] || die "redis-cli get failed"
on_a redis-benchmark -h "$B_IP" -p "$REDIS_PORT" -q -n 2000 -c 10 -t set,get,lpush >redis-bench.txt ||
  die "redis-benchmark failed"
cat redis-bench.txt
grep -q "GET" redis-bench.txt || die "redis-benchmark printed no GET result"

echo "PASS"
