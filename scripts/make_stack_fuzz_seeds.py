#!/usr/bin/env python3
"""Writes seed inputs for tests/fuzz/fuzz_stack_frames.cpp: sequences of
Ethernet frames (2-byte length, then the frame) addressed to the fuzz
target's interface (02:00:00:00:00:01, 10.0.0.1, fd00::1) with valid
checksums, so the fuzzer starts deep inside each protocol."""
import ipaddress
import os
import struct
import sys

OURS_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("02aabbccdd02")
BCAST = b"\xff" * 6
OURS4, PEER4 = ipaddress.ip_address("10.0.0.1").packed, ipaddress.ip_address("10.0.0.2").packed
OURS6, PEER6 = ipaddress.ip_address("fd00::1").packed, ipaddress.ip_address("fd00::2").packed


def checksum(data, initial=0):
    if len(data) % 2:
        data += b"\0"
    s = initial + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        p = src + dst + struct.pack("!BBH", 0, proto, length)
    else:
        p = src + dst + struct.pack("!I3xB", length, proto)
    return sum(struct.unpack("!%dH" % (len(p) // 2), p))


def eth(dst, ethertype, payload):
    return dst + PEER_MAC + struct.pack("!H", ethertype) + payload


def ip4(proto, payload, src=PEER4, dst=OURS4, frag=0x4000, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", checksum(h)) + h[12:]
    return h + payload


def ip6(nh, payload, src=PEER6, dst=OURS6):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 255) + src + dst + payload


def l4(proto, src, dst, segment, csum_at):
    c = checksum(segment, pseudo(src, dst, proto, len(segment)))
    return segment[:csum_at] + struct.pack("!H", c) + segment[csum_at + 2:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", options=b""):
    options += b"\0" * (-len(options) % 4)
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (5 + len(options) // 4) << 4, flags,
                      65535, 0, 0) + options + data
    return l4(6, src, dst, seg, 16)


def sack(*blocks):
    """A SACK option (RFC 2018) after two NOPs."""
    return b"\1\1" + struct.pack("!BB", 5, 2 + 8 * len(blocks)) + b"".join(
        struct.pack("!II", l, r) for l, r in blocks)


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return l4(17, src, dst, seg, 6)


def icmp6(src, dst, typ, body):
    return l4(58, src, dst, struct.pack("!BBH", typ, 0, 0) + body, 2)


def arp(op, target_ip):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC + PEER4 + b"\0" * 6 + target_ip


def frames(*fs):
    return b"".join(struct.pack("!H", len(f)) + f for f in fs)


ARP = eth(BCAST, 0x0806, arp(1, OURS4))
SOLICITED = bytes.fromhex("ff0200000000000000000001ff000001")
NS = eth(b"\x33\x33\xff\x00\x00\x01", 0x86DD,
         ip6(58, icmp6(PEER6, SOLICITED, 135, b"\0" * 4 + OURS6 + b"\x01\x01" + PEER_MAC), dst=SOLICITED))
ping = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"
PING = eth(OURS_MAC, 0x0800, ip4(1, ping[:2] + struct.pack("!H", checksum(ping)) + ping[4:]))
SYN = eth(OURS_MAC, 0x0800, ip4(6, tcp(PEER4, OURS4, 40000, 80, 1000, 0, 0x02)))
ACK_DATA = eth(OURS_MAC, 0x0800, ip4(6, tcp(PEER4, OURS4, 40000, 80, 1001, 0, 0x18, b"GET /\r\n")))
# SACK permitted on the SYN, then ACKs carrying SACK blocks (valid-looking,
# reversed, and with a bad option length) for the sender's scoreboard.
SYN_SACK = eth(OURS_MAC, 0x0800, ip4(6, tcp(PEER4, OURS4, 40002, 80, 2000, 0, 0x02,
                                            options=b"\2\4\5\x78\1\1\4\2")))
SACKS = [eth(OURS_MAC, 0x0800, ip4(6, tcp(PEER4, OURS4, 40002, 80, 2001, 1, 0x10, options=o)))
         for o in (sack((100, 200), (300, 400)), sack((400, 300)), b"\1\1\5\x09" + b"\0" * 8)]
UDP = eth(OURS_MAC, 0x0800, ip4(17, udp(PEER4, OURS4, 5353, 53, b"query")))
SYN6 = eth(OURS_MAC, 0x86DD, ip6(6, tcp(PEER6, OURS6, 40001, 80, 5, 0, 0x02)))
UDP6 = eth(OURS_MAC, 0x86DD, ip6(17, udp(PEER6, OURS6, 5353, 53, b"query6")))
big = udp(PEER4, OURS4, 5353, 53, bytes(range(256)) * 8)
FRAG1 = eth(OURS_MAC, 0x0800, ip4(17, big[:1024], frag=0x2000, ident=9))
FRAG2 = eth(OURS_MAC, 0x0800, ip4(17, big[1024:], frag=1024 // 8, ident=9))

SEEDS = {
    "arp_request": frames(ARP),
    "neighbor_solicitation": frames(NS),
    "icmp_echo": frames(ARP, PING),
    "tcp_syn_then_data": frames(ARP, SYN, ACK_DATA),
    "udp_datagram": frames(UDP),
    "ipv6_tcp_syn_and_udp": frames(NS, SYN6, UDP6),
    "ipv4_fragments": frames(FRAG1, FRAG2),
    "tcp_sack_blocks": frames(ARP, SYN_SACK, *SACKS),
}

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/seeds/fuzz_stack_frames"
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
