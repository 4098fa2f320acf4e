"""A SOCKS5 client for the scenarios, speaking RFC 1928/1929 by hand so
every reply code can be checked.
  socks_client.py PORT [--user U --password P] codes CLOSED_IP CLOSED_PORT DARK_IP
  socks_client.py PORT [--user U --password P] udp ECHO_IP ECHO_PORT [NAME]
  socks_client.py PORT [--user U --password P] bind EXPECTED_IP OUTFILE
  socks_client.py PORT badauth"""
import ipaddress
import socket
import struct
import sys

args = sys.argv[1:]
port = int(args.pop(0))
user = password = None
if args and args[0] == "--user":
    user, password = args[1], args[3]
    args = args[4:]
command = args.pop(0)


def fail(message):
    sys.exit(f"FAIL: {message}")


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        part = s.recv(n - len(data))
        if not part:
            fail(f"connection closed after {len(data)} of {n} bytes")
        data += part
    return data


def greet(creds=(user, password)):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    u, p = creds
    s.sendall(b"\x05\x01" + (b"\x02" if u else b"\x00"))
    version, method = recv_exact(s, 2)
    if method == 0xFF:
        return s, "no acceptable method"
    if method == 2:
        s.sendall(b"\x01" + bytes([len(u)]) + u.encode() + bytes([len(p)]) + p.encode())
        if recv_exact(s, 2)[1] != 0:
            return s, "authentication failed"
    return s, None


def address(host, port_number):
    try:
        ip = ipaddress.ip_address(host)
        return (b"\x01" if ip.version == 4 else b"\x04") + ip.packed + struct.pack("!H", port_number)
    except ValueError:
        return b"\x03" + bytes([len(host)]) + host.encode() + struct.pack("!H", port_number)


def read_reply(s):
    head = recv_exact(s, 4)
    atyp = head[3]
    size = {1: 4, 4: 16}.get(atyp)
    if size is None:
        size = recv_exact(s, 1)[0]
    bound = recv_exact(s, size)
    bound_port = struct.unpack("!H", recv_exact(s, 2))[0]
    host = str(ipaddress.ip_address(bound)) if atyp in (1, 4) else bound.decode()
    return head[1], (host, bound_port)


def request(cmd, host, port_number, raw=None):
    s, problem = greet()
    if problem:
        fail(problem)
    s.sendall(raw if raw else b"\x05" + bytes([cmd]) + b"\x00" + address(host, port_number))
    code, bound = read_reply(s)
    return s, code, bound


if command == "codes":
    closed_ip, closed_port, dark_ip = args[0], int(args[1]), args[2]
    checks = [
        ("connection refused", dict(cmd=1, host=closed_ip, port_number=closed_port), 0x05),
        ("not allowed (outside the networks)", dict(cmd=1, host="192.0.2.1", port_number=80), 0x02),
        ("command not supported", dict(cmd=9, host=closed_ip, port_number=80), 0x07),
        ("address type not supported", dict(cmd=1, host="", port_number=0,
                                             raw=b"\x05\x01\x00\x05\x01\x02\x03\x04\x00\x50"), 0x08),
        ("name that does not resolve", dict(cmd=1, host="nothere.zt.test", port_number=80), 0x04),
        ("no answer (TTL expired)", dict(cmd=1, host=dark_ip, port_number=80), 0x06),
    ]
    for what, kw, want in checks:
        s, code, _ = request(**kw)
        s.close()
        if code != want:
            fail(f"{what}: reply {code:#04x}, expected {want:#04x}")
        print(f"{what}: {code:#04x}")
elif command == "badauth":
    s, problem = greet(("nobody", "wrong"))
    if problem != "authentication failed":
        fail(f"wrong credentials: {problem}")
    s, problem = greet((None, None))
    if problem != "no acceptable method":
        fail(f"no credentials: {problem}")
    print("wrong password refused; no-auth refused")
elif command == "udp":
    echo_ip, echo_port = args[0], int(args[1])
    name = args[2] if len(args) > 2 else None
    s, code, bound = request(3, "0.0.0.0", 0)
    if code != 0:
        fail(f"UDP ASSOCIATE: reply {code:#04x}")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    for target in [echo_ip] + ([name] if name else []):
        payload = f"over socks to {target}".encode()
        for attempt in range(5):
            u.sendto(b"\x00\x00\x00" + address(target, echo_port) + payload, bound)
            try:
                data = u.recv(65535)
                break
            except socket.timeout:
                continue
        else:
            fail(f"no UDP reply through the association ({target})")
        atyp = data[3]
        header = 4 + ({1: 4, 4: 16}[atyp]) + 2
        source = str(ipaddress.ip_address(data[4:header - 2]))
        if data[header:] != b"echo:" + payload or source != echo_ip:
            fail(f"bad UDP reply {data!r}")
        print(f"UDP ASSOCIATE: echo from {source} for {target}")
    s.close()
elif command == "bind":
    expected, outfile = args[0], args[1]
    s, code, bound = request(2, expected, 0)
    if code != 0:
        fail(f"BIND: first reply {code:#04x}")
    open(outfile, "w").write(f"{bound[0]} {bound[1]}\n")
    print(f"BIND listening at {bound[0]}:{bound[1]}", flush=True)
    code, peer = read_reply(s)
    if code != 0 or peer[0] != expected:
        fail(f"BIND: second reply {code:#04x} from {peer}")
    s.sendall(b"hello from the binder")
    got = recv_exact(s, len(b"hello back"))
    if got != b"hello back":
        fail(f"BIND: got {got!r}")
    print(f"BIND: connection from {peer[0]}, data both ways")
else:
    fail(f"unknown command {command}")
