"""Sends datagrams to a UDP echo and checks the replies: sizes from 1 byte
to 60000, connected and unconnected, recvfrom's source address.
Usage: udp_client.py IP PORT"""
import os
import socket
import sys

ip, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in ip else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(3)
for size in (1, 100, 1400, 8000, 60000):
    payload = os.urandom(size)
    for attempt in range(3):
        s.sendto(payload, (ip, port))
        try:
            data, peer = s.recvfrom(65535)
            break
        except socket.timeout:
            continue
    else:
        sys.exit(f"no echo for {size} bytes")
    assert data == b"echo:" + payload, f"bad echo for {size} bytes"
    assert peer[:2] == (ip, port), f"echo from {peer}"
c = socket.socket(family, socket.SOCK_DGRAM)
c.settimeout(3)
c.connect((ip, port))
c.send(b"connected")
assert c.recv(100) == b"echo:connected"
assert c.getpeername()[:2] == (ip, port), c.getpeername()
print("udp ok", s.getsockname(), c.getsockname())
