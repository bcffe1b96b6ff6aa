#!/usr/bin/env python3
"""Delay and jitter for the packets an iptables `NFQUEUE` rule hands to user space.

This kernel has no `netem`, so the impaired-call suite delays packets itself: an iptables rule
`-j NFQUEUE --queue-num N --queue-bypass` queues them in the kernel, this program reads each
packet's metadata from netlink and gives its verdict (accept) only after a random hold of
DELAY ± JITTER milliseconds (uniform). Packets whose holds end in a different order leave in
that order, which is what jitter does to a real path.

The wire format is nfnetlink_queue's (linux/netfilter/nfnetlink_queue.h), spoken over a raw
`AF_NETLINK`/`NETLINK_NETFILTER` socket with nothing but the standard library:

- every message: `nlmsghdr` (u32 length, u16 type, u16 flags, u32 seq, u32 port id; host
  order) + `nfgenmsg` (u8 family, u8 version 0, u16 queue number, big endian) + attributes;
- an attribute: u16 length (header included), u16 type, host order; padded to 4 bytes;
- message types are `(NFNL_SUBSYS_QUEUE = 3) << 8 | kind`: kind 0 a packet, 1 a verdict,
  2 a configuration;
- configuration: `NFQA_CFG_CMD` (1) = {u8 command (1 bind), u8 pad, u16 family (big endian)},
  `NFQA_CFG_PARAMS` (2) = {u32 copy range, u8 copy mode (1 metadata only)}, both big endian,
  and `NFQA_CFG_QUEUE_MAXLEN` (3) = u32 big endian;
- a packet carries `NFQA_PACKET_HDR` (1) = {u32 packet id (big endian), u16 protocol, u8 hook};
- a verdict carries `NFQA_VERDICT_HDR` (2) = {u32 verdict (1 accept), u32 packet id}, big endian.

Usage (inside the namespace that holds the rule): nfqueue_delay.py QUEUE DELAY_MS JITTER_MS
It prints "ready" once bound and runs until SIGTERM; on exit the kernel drops its queue, and
`--queue-bypass` lets packets through unqueued.
"""
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NF_ACCEPT = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
QUEUE_MAXLEN = 10000


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


def message(kind, queue, attributes, flags=NLM_F_REQUEST, seq=0):
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, queue) + b"".join(attributes)
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, seq, 0) + body


def attributes_of(payload):
    """The (type, value) attributes after a message's nfgenmsg."""
    found, at = {}, 4
    while at + 4 <= len(payload):
        length, kind = struct.unpack_from("=HH", payload, at)
        if length < 4:
            break
        found[kind & 0x3FFF] = payload[at + 4:at + length]
        at += (length + 3) & ~3
    return found


def configure(sock, queue):
    commands = [
        [attribute(NFQA_CFG_CMD, struct.pack("!BBH", NFQNL_CFG_CMD_BIND, 0, socket.AF_INET))],
        [attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))],
        [attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", QUEUE_MAXLEN))],
    ]
    for seq, attrs in enumerate(commands, start=1):
        sock.send(message(NFQNL_MSG_CONFIG, queue, attrs, NLM_F_REQUEST | NLM_F_ACK, seq))
        reply = sock.recv(65536)
        length, kind = struct.unpack_from("=IH", reply)
        if kind == NLMSG_ERROR:
            (error,) = struct.unpack_from("=i", reply, 16)
            if error != 0:
                raise OSError(-error, f"nfqueue configuration {seq}: {os.strerror(-error)}")


def run(queue, delay_ms, jitter_ms):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((0, 0))
    configure(sock, queue)
    print("ready", flush=True)
    held = []  # (release time, packet id), a heap
    while True:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, packet_id = heapq.heappop(held)
            sock.send(message(NFQNL_MSG_VERDICT, queue,
                              [attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet_id))]))
        timeout = max(0.0, held[0][0] - now) if held else 1.0
        if not select.select([sock], [], [], timeout)[0]:
            continue
        data = sock.recv(65536)
        at = 0
        while at + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, at)
            if length < 16:
                break
            if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                header = attributes_of(data[at + 16:at + length]).get(NFQA_PACKET_HDR)
                if header:
                    (packet_id,) = struct.unpack_from("!I", header)
                    hold_ms = max(0.0, delay_ms + random.uniform(-jitter_ms, jitter_ms))
                    heapq.heappush(held, (time.monotonic() + hold_ms / 1000, packet_id))
            at += (length + 3) & ~3


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: nfqueue_delay.py QUEUE DELAY_MS JITTER_MS")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]))
