"""UDP echo for the intercept scenarios: replies to every datagram with
b"echo:" + the datagram, from the port it was sent to. Usage: udp_echo.py PORT"""
import socket
import sys

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("0.0.0.0", int(sys.argv[1])))
print("udp echo ready", flush=True)
while True:
    data, peer = sock.recvfrom(65535)
    sock.sendto(b"echo:" + data, peer)
