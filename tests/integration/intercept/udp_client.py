"""Sends datagrams to a UDP echo and checks the replies: sizes from 1 byte
to 60000, connected and unconnected, recvfrom's source address.
Usage: udp_client.py IP PORT"""
import os
import socket
import sys

ip, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
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
    assert peer == (ip, port), f"echo from {peer}"
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(3)
c.connect((ip, port))
c.send(b"connected")
assert c.recv(100) == b"echo:connected"
assert c.getpeername() == (ip, port), c.getpeername()
print("udp ok", s.getsockname(), c.getsockname())
