"""A program that outlives its ztsdk service, for intercept_lifecycle.sh.
Usage: lifecycle_program.py STEPDIR B_IP PORT
It opens a TCP connection, a UDP socket and a listener through the
intercept, writes STEPDIR/ready, and checks that when the service dies
every call fails cleanly and quickly (no hang), then, once STEPDIR/restarted
appears, that new connections work again through the restarted service."""
import errno
import os
import socket
import sys
import time

step_dir, b_ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])


def mark(name):
    open(os.path.join(step_dir, name), "w").close()


def wait_for(name, seconds):
    deadline = time.time() + seconds
    while not os.path.exists(os.path.join(step_dir, name)):
        if time.time() > deadline:
            sys.exit(f"no {name} within {seconds} s")
        time.sleep(0.05)


def timed(what, call):
    start = time.time()
    try:
        result = call()
        outcome = f"returned {result!r}"
    except OSError as e:
        outcome = errno.errorcode.get(e.errno, str(e))
    elapsed = time.time() - start
    print(f"{what}: {outcome} after {elapsed:.2f} s", flush=True)
    if elapsed > 5:
        sys.exit(f"{what} took {elapsed:.1f} s")
    return outcome


tcp = socket.create_connection((b_ip, port), 5)
tcp.sendall(b"before")
assert tcp.recv(6) == b"before"
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(2)
udp.sendto(b"u", (b_ip, port))
assert udp.recvfrom(10)[0] == b"u"
listener = socket.socket()
listener.bind(("0.0.0.0", 0))
listener.listen(4)
mark("ready")

tcp.settimeout(30)
outcome = timed("blocked recv when the service died", lambda: tcp.recv(10))
assert outcome in ("returned b''", "ECONNRESET"), outcome
outcome = timed("send afterwards", lambda: [tcp.send(b"x") for _ in range(3)])
assert outcome in ("EPIPE", "ECONNRESET"), outcome
outcome = timed("udp recv", lambda: udp.recvfrom(10))
assert outcome in ("ECONNREFUSED", "ECONNRESET"), outcome
listener.settimeout(1)
outcome = timed("accept", lambda: listener.accept())
assert outcome == "EINVAL", outcome
outcome = timed("connect while the service is down",
                lambda: socket.create_connection((b_ip, port), 5))
assert outcome == "ECONNREFUSED", outcome
mark("down-checked")

wait_for("restarted", 30)
deadline = time.time() + 15
while True:
    try:
        again = socket.create_connection((b_ip, port), 5)
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("no connection through the restarted service")
        time.sleep(0.2)
again.sendall(b"after")
assert again.recv(5) == b"after"
print("connected again through the restarted service", flush=True)
