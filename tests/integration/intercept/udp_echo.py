"""UDP echo for the intercept scenarios: replies to every datagram with
b"echo:" + the datagram, from the port it was sent to.
Usage: udp_echo.py PORT [6]   (6: an IPv6 socket bound to ::, IPv4 too)"""
import socket
import sys

six = len(sys.argv) > 2 and sys.argv[2] == "6"
sock = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("::" if six else "0.0.0.0", int(sys.argv[1])))
print("udp echo ready", flush=True)
while True:
    data, peer = sock.recvfrom(65535)
    sock.sendto(b"echo:" + data, peer)
