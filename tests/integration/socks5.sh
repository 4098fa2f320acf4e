# Scenario: the service's SOCKS5 proxy. Members A and B as in the intercept
# scenarios; A's SOCKS5 wants a user and password, B's wants none. Servers
# run on the far member under the intercept.
#   - curl --socks5 and --socks5-hostname (a name from the network's DNS);
#   - proxychains4 running curl (by address, and by name through the proxy);
#   - UDP ASSOCIATE to a UDP echo, by address and by name;
#   - BIND, with the far member connecting back;
#   - reply codes: refused, not allowed, command and address type not
#     supported, host unreachable (a name that does not exist), TTL expired
#     (no answer); wrong credentials;
#   - a port already taken: the service says so and runs on without SOCKS5.
# Usage: bash socks5.sh /path/to/ztsdk
source "$(dirname "$0")/common.bash"
SOCKS_A=$(free_port)
SOCKS_B=$(free_port)
A_OPTS="--socks-port $SOCKS_A --socks-user alice --socks-password s3cret --socks-connect-timeout 2"
B_OPTS="--socks-port $SOCKS_B"
# shellcheck source=intercept_common.bash
source "$(dirname "$0")/intercept_common.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENT="$HERE/intercept/socks_client.py"
for tool in curl proxychains4; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/deps.sh)"; exit 77; }
done
cd "$T"
grep -q "SOCKS5 on 127.0.0.1:$SOCKS_A (username/password" "$T/a.log" || die "A does not say it serves SOCKS5"

mkdir www
echo "hello from B" >www/index.html
HTTP_PORT=$(free_port)
background b "$PYTHON" -m http.server "$HTTP_PORT" --bind "$B_IP" --directory www
background b "$PYTHON" "$HERE/intercept/dns_server.py" "$B_IP" "$B_IP"
UDP_PORT=$(free_port)
background b "$PYTHON" "$HERE/intercept/udp_echo.py" "$UDP_PORT"
fetch() { curl -sS --max-time 10 "$@"; }
page_via_a() { [[ $(fetch --socks5 "alice:s3cret@127.0.0.1:$SOCKS_A" "http://$B_IP:$HTTP_PORT/") == "hello from B" ]]; }
wait_for 10 "the page never came through A's SOCKS5" page_via_a
echo "curl --socks5 (with a password): ok"
[[ $(fetch --socks5-hostname "alice:s3cret@127.0.0.1:$SOCKS_A" "http://web.zt.test:$HTTP_PORT/") == "hello from B" ]] ||
  die "curl --socks5-hostname with a network name failed"
echo "curl --socks5-hostname web.zt.test: ok"
if fetch --socks5 "alice:wrong@127.0.0.1:$SOCKS_A" "http://$B_IP:$HTTP_PORT/" >/dev/null 2>&1; then
  die "a wrong SOCKS5 password was accepted"
fi

# B's proxy (no authentication) the other way: a server on A.
echo "hello from A" >www/a.html
HTTP_A=$(free_port)
background a "$PYTHON" -m http.server "$HTTP_A" --bind "$A_IP" --directory www
page_via_b() { [[ $(fetch --socks5 "127.0.0.1:$SOCKS_B" "http://$A_IP:$HTTP_A/a.html") == "hello from A" ]]; }
wait_for 10 "the page never came through B's SOCKS5" page_via_b
echo "curl --socks5 (no authentication): ok"

# proxychains4: by address, and by name (resolved by the proxy).
cat >proxychains.conf <<CONF
strict_chain
proxy_dns
tcp_read_time_out 15000
tcp_connect_time_out 8000
[ProxyList]
socks5 127.0.0.1 $SOCKS_A alice s3cret
CONF
[[ $(proxychains4 -q -f proxychains.conf curl -sS --max-time 10 "http://$B_IP:$HTTP_PORT/") == "hello from B" ]] ||
  die "proxychains4 curl by address failed"
[[ $(proxychains4 -q -f proxychains.conf curl -sS --max-time 10 "http://web.zt.test:$HTTP_PORT/") == "hello from B" ]] ||
  die "proxychains4 curl by name failed"
echo "proxychains4 curl: ok (address and name)"

"$PYTHON" "$CLIENT" "$SOCKS_A" --user alice --password s3cret udp "$B_IP" "$UDP_PORT" echo.zt.test ||
  die "UDP ASSOCIATE failed"

# BIND: the client asks A's proxy to listen for B; B connects back.
"$PYTHON" "$CLIENT" "$SOCKS_A" --user alice --password s3cret bind "$B_IP" "$T/bound" >bind.log 2>&1 &
BINDER=$!
wait_for 10 "BIND never answered" test -s "$T/bound"
read -r bind_ip bind_port <"$T/bound"
[[ $bind_ip == "$A_IP" ]] || die "BIND listens on $bind_ip, not on A's network address"
on_b "$PYTHON" -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
assert s.recv(100) == b"hello from the binder"
s.sendall(b"hello back")
s.close()' "$bind_ip" "$bind_port" || die "B could not connect to the BIND address"
wait "$BINDER" || { cat bind.log; die "BIND failed"; }
cat bind.log

"$PYTHON" "$CLIENT" "$SOCKS_A" --user alice --password s3cret codes "$B_IP" 1 10.77.0.99 ||
  die "a reply code is wrong"
"$PYTHON" "$CLIENT" "$SOCKS_A" badauth || die "bad credentials were not refused right"

# A port already taken (A's proxy holds it): the service says so and runs on.
kill "${PID[b]}"
wait "${PID[b]}" 2>/dev/null || true
start_service b "$B_PORT" --socks-port "$SOCKS_A"
wait_for 20 "B did not come back with its SOCKS5 port taken" "$ZTSDK" status --home "$T/b"
grep -q "SOCKS5: port $SOCKS_A on 127.0.0.1 is taken; running without SOCKS5" "$T/b.log" ||
  die "B did not say its SOCKS5 port was taken"
echo "port taken: logged, service running"

# Pass-through and remote clients: B again, listening on every address,
# passing other destinations through, still refusing non-loopback clients.
kill "${PID[b]}"
wait "${PID[b]}" 2>/dev/null || true
start_service b "$B_PORT" --socks-port "$SOCKS_B" --socks-address 0.0.0.0 --socks-pass-through
wait_for 20 "B did not come back" "$ZTSDK" status --home "$T/b"
KERNEL_HTTP=$(free_port)
echo "plain kernel page" >www/kernel.html
background - "$PYTHON" -m http.server "$KERNEL_HTTP" --bind 127.0.0.1 --directory www
kernel_page() { [[ $(fetch --socks5 "127.0.0.1:$SOCKS_B" "http://127.0.0.1:$KERNEL_HTTP/kernel.html") == "plain kernel page" ]]; }
wait_for 10 "pass-through to a kernel address failed" kernel_page
echo "pass-through: ok"
OTHER_IP=$(hostname -I 2>/dev/null | awk '{ print $1 }')
if [[ -n $OTHER_IP && $OTHER_IP != 127.* ]]; then
  "$PYTHON" - "$OTHER_IP" "$SOCKS_B" <<'PY' || die "a non-loopback client was served"
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.connect((sys.argv[1], int(sys.argv[2])))
s.settimeout(5)
s.sendall(b"\x05\x01\x00")
try:
    data = s.recv(10)
except ConnectionResetError:
    data = b""
sys.exit(1 if data else 0)
PY
  echo "a client from $OTHER_IP: refused"
fi
echo "PASS"
