#!/usr/bin/env python3
"""A UDP relay that delays every datagram by a random time (default 100 ms +- 50 ms), both ways.

This kernel has no `tc netem`, so jitter is made in user space. Clients' datagrams to the
server's media address are DNATed by iptables to LISTEN; the relay forwards each client's
datagrams to UPSTREAM from a socket of its own (bound to SOURCE_IP, which the DNAT rule
exempts so the relay's own traffic is not redirected back to it) and sends the answers back
from LISTEN, where conntrack rewrites their source to the media address the client expects.
Each datagram is delayed independently, so datagrams overtake each other (reordering).

Usage: jitter_relay.py LISTEN_IP:PORT UPSTREAM_IP:PORT SOURCE_IP [--delay-ms 100] [--spread-ms 50]
       [--seed 1] [--stats FILE]   (FILE gets the datagram counts as JSON on SIGTERM)
"""
import argparse
import asyncio
import json
import random
import signal


def addr(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


class Upstream(asyncio.DatagramProtocol):
    """One client's socket towards the server; what the server answers goes back to that client."""

    def __init__(self, relay, client):
        self.relay, self.client = relay, client

    def datagram_received(self, data, _src):
        self.relay.counts["to_client"] += 1
        self.relay.later(self.relay.listen.sendto, data, self.client)


class Relay(asyncio.DatagramProtocol):
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.loop = asyncio.get_running_loop()
        self.upstreams = {}  # client address -> transport, or a Future while it is being made
        self.counts = {"to_server": 0, "to_client": 0, "clients": 0}
        self.listen = None

    def connection_made(self, transport):
        self.listen = transport

    def later(self, send, *args):
        # Independent delays per datagram: a later one may leave first, as on a real path.
        d = self.args.delay_ms + self.rng.uniform(-self.args.spread_ms, self.args.spread_ms)
        self.loop.call_later(max(d, 0) / 1000, send, *args)

    def datagram_received(self, data, client):
        self.counts["to_server"] += 1
        up = self.upstreams.get(client)
        if up is None:
            up = self.upstreams[client] = self.loop.create_task(self.open(client))
        if isinstance(up, asyncio.Task):
            up.add_done_callback(lambda t: self.later(t.result().sendto, data))
        else:
            self.later(up.sendto, data)

    async def open(self, client):
        transport, _ = await self.loop.create_datagram_endpoint(
            lambda: Upstream(self, client),
            local_addr=(self.args.source_ip, 0),
            remote_addr=self.args.upstream,
        )
        self.upstreams[client] = transport
        self.counts["clients"] += 1
        return transport


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("listen", type=addr)
    p.add_argument("upstream", type=addr)
    p.add_argument("source_ip")
    p.add_argument("--delay-ms", type=float, default=100)
    p.add_argument("--spread-ms", type=float, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stats")
    args = p.parse_args()
    loop = asyncio.get_running_loop()
    relay = Relay(args)
    await loop.create_datagram_endpoint(lambda: relay, local_addr=args.listen)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    print("relay ready", flush=True)
    await stop
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(relay.counts, f)


if __name__ == "__main__":
    asyncio.run(main())
