"""A tiny DNS server for the intercept scenarios: answers A queries for
names under zt.test with the address given on the command line (web.zt.test,
anything.zt.test) except nothere.zt.test, NXDOMAIN for that and other names,
and no records for other types.
Usage: dns_server.py BIND_IP ANSWER_IP"""
import socket
import struct
import sys

bind_ip, answer_ip = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((bind_ip, 53))
print("dns ready", flush=True)
while True:
    query, peer = sock.recvfrom(512)
    if len(query) < 12:
        continue
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    pos, labels = 12, []
    while pos < len(query) and query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode())
        pos += 1 + n
    question = query[12:pos + 5]
    qtype = struct.unpack("!H", query[pos + 1:pos + 3])[0]
    name = ".".join(labels).lower()
    ours = (name == "zt.test" or name.endswith(".zt.test")) and name != "nothere.zt.test"
    rcode = 0 if ours else 3
    answers = b""
    if ours and qtype == 1:
        answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(answer_ip)
    header = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
    sock.sendto(header + question + answers, peer)
