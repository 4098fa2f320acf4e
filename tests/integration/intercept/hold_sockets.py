"""Opens many virtual sockets and blocks, to be killed mid-call.
Usage: hold_sockets.py B_IP PORT COUNT"""
import socket
import sys

b_ip, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
held = [socket.create_connection((b_ip, port), 5) for _ in range(count)]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.connect((b_ip, port))
listener = socket.socket()
listener.bind(("0.0.0.0", 0))
listener.listen(1)
print("holding", flush=True)
held[0].recv(1)  # blocks until killed
