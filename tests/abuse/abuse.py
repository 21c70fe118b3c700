#!/usr/bin/env python3
"""The abuse suite's client side: abusive sockets against one server while, in another session,
well-behaved users keep joining and chatting. Speaks raw TCP and WebSocket (RFC 6455) itself, so
it can also send what no library would (oversized, unmasked, reserved-opcode frames).

  abuse.py caps     ...  fill the per-IP and the global connection caps; count 429 and 503
  abuse.py calm     ...  the calm session: rounds of users joining and chatting
  abuse.py abusers --group idle|active ...  abusers until SIGTERM (run calm meanwhile): idle
                    and slow sockets, or bad frames and floods

Each prints one JSON report on stdout and exits 1 if a correctness check fails (a calm user's
join or chat lost, an abuser not refused or closed). Latencies are reported, never asserted.
"""
import argparse
import asyncio
import base64
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import time
from collections import Counter

# --- a minimal WebSocket client -------------------------------------------------------------


class Closed(Exception):
    """The server closed the WebSocket (code, reason) or the TCP connection (code None)."""

    def __init__(self, code, reason=""):
        super().__init__(f"{code} {reason}")
        self.code, self.reason = code, reason


async def http_open(host, port, source_ip, path="/rtc/v1", upgrade=True):
    """Opens a connection and sends a request; returns (status, reader, writer)."""
    r, w = await asyncio.open_connection(host, port, local_addr=(source_ip, 0))
    key = base64.b64encode(os.urandom(16)).decode()
    head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    if upgrade:
        head += ("Upgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    w.write((head + "\r\n").encode())
    try:
        resp = await r.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        w.close()
        return None, None, None
    return int(resp.split(b" ", 2)[1]), r, w


def frame(opcode, payload, mask=True, rsv=0):
    n = len(payload)
    head = bytes([0x80 | rsv << 4 | opcode])
    m = 0x80 if mask else 0
    if n < 126:
        head += bytes([m | n])
    elif n < 1 << 16:
        head += bytes([m | 126]) + struct.pack(">H", n)
    else:
        head += bytes([m | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


async def read_frame(r):
    """Returns (opcode, payload); raises Closed on a close frame or end of stream."""
    try:
        b0, b1 = await r.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", await r.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", await r.readexactly(8))[0]
        payload = await r.readexactly(n)
    except (asyncio.IncompleteReadError, ConnectionError):
        raise Closed(None)
    op = b0 & 0x0F
    if op == 8:
        code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
        raise Closed(code, payload[2:].decode(errors="replace"))
    return op, payload


class Ws:
    """A signaling client: requests with ids, replies matched, events queued."""

    def __init__(self, r, w):
        self.r, self.w = r, w
        self.next_id = 0
        self.waiting = {}
        self.events = asyncio.Queue()
        self.closed = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        try:
            while True:
                op, payload = await read_frame(self.r)
                if op == 9:  # the server's keepalive ping
                    self.w.write(frame(10, payload))
                    continue
                if op != 1:
                    continue
                m = json.loads(payload)
                if "event" in m:
                    self.events.put_nowait(m)
                elif m.get("id") in self.waiting:
                    self.waiting.pop(m["id"]).set_result(m)
        except Closed as c:
            exc = c
        except Exception as e:  # a bug here must not look like a server fault
            exc = Closed(None, repr(e))
        self.closed.set_result(exc)
        for f in self.waiting.values():
            f.set_exception(exc)

    async def call(self, method, params=None):
        self.next_id += 1
        f = self.waiting[self.next_id] = asyncio.get_running_loop().create_future()
        self.w.write(frame(1, json.dumps({"id": self.next_id, "method": method, "params": params or {}}).encode()))
        return await f

    def close(self):
        self.reader.cancel()
        self.w.close()


async def ws_open(args, source_ip):
    status, r, w = await http_open(args.host, args.port, source_ip)
    if status != 101:
        raise Closed(None, f"HTTP {status}")
    return Ws(r, w)


# --- the calm session: users join, all chat, everyone gets every message --------------------


def token(args, topic, role):
    return subprocess.run(
        [args.bin, "token", "--key", args.key, "--secret", args.secret, "--topic", topic,
         "--role", str(role), "--ttl", "7200"], check=True, capture_output=True, text=True).stdout.strip()


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000, 1)


async def calm(args):
    """Rounds of `users` joining one session, each sending `chats` messages; checks delivery."""
    tokens = [token(args, "calm", 1)] + [token(args, "calm", 0)] * (args.users - 1)
    join_lat, chat_lat, lost, failed, rounds = [], [], 0, [], 0
    t_end = time.monotonic() + args.secs
    while rounds == 0 or time.monotonic() < t_end:
        rounds += 1
        users, sem = [], asyncio.Semaphore(args.concurrency)

        async def join(i):
            async with sem:
                t0 = time.monotonic()
                try:
                    ws = await ws_open(args, "127.0.0.1")
                    rep = await ws.call("join", {"topic": "calm", "token": tokens[i], "userName": f"calm{i}"})
                except Closed as c:
                    failed.append(f"join: closed {c}")
                    return None
                if not rep["ok"]:
                    failed.append(f"join: {rep['error']}")
                    ws.close()
                    return None
                join_lat.append(time.monotonic() - t0)
                return ws
        users = [u for u in await asyncio.gather(*(join(i) for i in range(args.users))) if u]
        for u in users:  # forget the joins' user-added events
            while not u.events.empty():
                u.events.get_nowait()
        sent_at = {}

        async def talk(i, u):
            for k in range(args.chats):
                text = f"r{rounds} u{i} m{k}"
                sent_at[text] = time.monotonic()
                rep = await u.call("chat.sendToAll", {"text": text})
                if not rep["ok"]:
                    failed.append(f"chat: {rep['error']}")
                await asyncio.sleep(0.15)  # below the chat limit of 10 a second

        async def listen(i, u):
            want = {f"r{rounds} u{j} m{k}" for j in range(len(users)) if j != i for k in range(args.chats)}
            deadline = time.monotonic() + 10 + args.chats * 0.5
            while want and time.monotonic() < deadline:
                try:
                    m = await asyncio.wait_for(u.events.get(), deadline - time.monotonic())
                except asyncio.TimeoutError:
                    break
                if m["event"] == "chat-on-message":
                    text = m["payload"]["message"]
                    if text in want:
                        want.discard(text)
                        chat_lat.append(time.monotonic() - sent_at[text])
            return len(want)
        try:
            _, missing = await asyncio.gather(
                asyncio.gather(*(talk(i, u) for i, u in enumerate(users))),
                asyncio.gather(*(listen(i, u) for i, u in enumerate(users))))
            lost += sum(missing)
        except Closed as c:
            failed.append(f"calm user closed: {c}")
        for u in users:
            try:
                await asyncio.wait_for(u.call("leave"), 5)
            except (Closed, asyncio.TimeoutError):
                pass
            u.close()
    n_chats = rounds * args.users * args.chats
    return {"rounds": rounds, "joins": len(join_lat), "joins_wanted": rounds * args.users,
            "chats_sent": n_chats, "deliveries_lost": lost, "failures": failed[:10],
            "join_ms": {"p50": pct(join_lat, 50), "p99": pct(join_lat, 99), "max": pct(join_lat, 100)},
            "chat_delivery_ms": {"p50": pct(chat_lat, 50), "p99": pct(chat_lat, 99), "max": pct(chat_lat, 100)}}


# --- abusers -------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.c = Counter()

    def add(self, kind, outcome):
        self.c[f"{kind}: {outcome}"] += 1


def close_name(c):
    return f"HTTP {c.reason}" if c.code is None and c.reason.startswith("HTTP") else (
        "TCP closed" if c.code is None else f"close {c.code} {c.reason}")


async def idle_ws(args, tally, stop, ip):
    """Upgrades and never joins; opens again when the server closes it."""
    while not stop.is_set():
        try:
            ws = await ws_open(args, ip)
        except Closed as c:
            tally.add("idle websocket", close_name(c))
            await asyncio.sleep(0.2)
            continue
        except OSError as e:
            tally.add("idle websocket", f"connect error {e.errno}")
            await asyncio.sleep(0.2)
            continue
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([ws.closed, stopper], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if ws.closed.done():
            tally.add("idle websocket", close_name(ws.closed.result()))
        ws.close()


async def raw_idle(args, tally, stop, ip, slow):
    """A TCP connection that sends nothing (or, slow, one header byte every 500 ms)."""
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection(args.host, args.port, local_addr=(ip, 0))
        except OSError as e:
            tally.add("slow headers" if slow else "idle tcp", f"connect error {e.errno}")
            await asyncio.sleep(0.2)
            continue
        kind = "slow headers" if slow else "idle tcp"
        drip = b"GET /rtc/v1 HTTP/1.1\r\nX-Slow: " + b"a" * 100000

        async def send():
            for b in drip:
                w.write(bytes([b]))
                await asyncio.sleep(0.5)
        sender = asyncio.create_task(send()) if slow else None
        reader = asyncio.create_task(r.read(200))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([reader, stopper], return_when=asyncio.FIRST_COMPLETED)
        if reader.done():
            data = reader.result() if not reader.exception() else b""
            tally.add(kind, "closed by server" + (f" after {data.split(b' ', 2)[1].decode()}" if data else ""))
        for t in (sender, reader, stopper):
            if t:
                t.cancel()
        w.close()


async def one_shot(args, tally, stop, ip, kind, send):
    """Repeats: open a WebSocket, misbehave with `send(writer)`, and record how it ended."""
    while not stop.is_set():
        try:
            status, r, w = await http_open(args.host, args.port, ip)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        if status != 101:
            tally.add(kind, f"HTTP {status}")
            await asyncio.sleep(0.2)
            continue
        replies = Counter()
        try:
            await send(w)
            while True:
                op, payload = await asyncio.wait_for(read_frame(r), 10)
                if op == 1:
                    e = json.loads(payload).get("error")
                    replies[e["errorCode"] if e else "ok"] += 1
                elif op == 9:
                    w.write(frame(10, payload))
        except Closed as c:
            tally.add(kind, close_name(c) + (f" after replies {dict(replies)}" if replies else ""))
        except asyncio.TimeoutError:
            tally.add(kind, f"not closed within 10 s (replies {dict(replies)})")
        except ConnectionError:
            tally.add(kind, "TCP reset")
        w.close()
        await asyncio.sleep(0.5)


def flood(opcode, payload, n):
    async def send(w):
        for _ in range(n):
            w.write(frame(opcode, payload))
            await w.drain()
    return send


def sends(*frames, pause=0.0):
    async def send(w):
        for f in frames:
            w.write(f)
            await w.drain()
            await asyncio.sleep(pause)
    return send


async def chat_flood(args, tally, stop, ip, rate):
    """A member of the noisy session sends chat at `rate` a second (re-joining if dropped)."""
    tok = token(args, "noisy", 0)
    kind = f"chat flood {rate}/s"
    while not stop.is_set():
        try:
            ws = await ws_open(args, ip)
            rep = await ws.call("join", {"topic": "noisy", "token": tok, "userName": "flooder"})
            if not rep["ok"]:
                tally.add(kind, f"join refused {rep['error']['errorCode']}")
                await asyncio.sleep(0.5)
                continue
            while not stop.is_set():
                ws.w.write(frame(1, json.dumps({"id": 0, "method": "chat.sendToAll", "params": {"text": "spam" * 50}}).encode()))
                ws.next_id += 1
                await asyncio.sleep(1 / rate)
                if ws.closed.done():
                    raise ws.closed.result()
            ws.close()
        except Closed as c:
            tally.add(kind, close_name(c))
            await asyncio.sleep(0.5)


async def chat_flood_replies(args, tally, stop, ip):
    """Within the frame budget (50 chats a second): the chat limit answers 7012, nothing closes."""
    tok = token(args, "noisy", 0)
    ws = await ws_open(args, ip)
    rep = await ws.call("join", {"topic": "noisy", "token": tok, "userName": "chatty"})
    assert rep["ok"], rep
    while not stop.is_set():
        try:
            rep = await ws.call("chat.sendToAll", {"text": "spam"})
        except Closed as c:
            tally.add("chat 50/s", close_name(c))
            return
        tally.add("chat 50/s", "ok" if rep["ok"] else f"error {rep['error']['errorCode']}")
        await asyncio.sleep(0.02)
    ws.close()


async def abusers(args, tally, stop):
    a, b = "127.0.0.2", "127.0.0.3"  # abusers' own addresses; the calm users are 127.0.0.1
    if args.group == "idle":
        tasks = [idle_ws(args, tally, stop, a) for _ in range(args.idle_ws)]
        tasks += [raw_idle(args, tally, stop, b, False) for _ in range(args.idle_tcp)]
        tasks += [raw_idle(args, tally, stop, b, True) for _ in range(args.slow)]
        await asyncio.gather(*tasks)
        return
    big = b"x" * (args.oversize_kib * 1024)
    kinds = {
        "oversized frame": sends(frame(1, big)),
        "malformed json": sends(*(frame(1, p) for p in [b"{", b"[]", b'{"id":"x"}', b'{"id":1,"method":"nope"}',
                                                            b'{"id":2,"method":"join","params":{"topic":7}}', b"\xff\xfe"]), pause=0.05),
        "unmasked frame": sends(frame(1, b'{"id":1,"method":"ping"}', mask=False)),
        "reserved opcode": sends(frame(3, b"??")),
        "rsv bits": sends(frame(1, b"{}", rsv=7)),
        "binary flood": flood(2, b"\0" * 512, 5000),
        "ping flood": flood(9, b"p", 5000),
        "text flood": flood(1, b'{"id":1,"method":"ping"}', 5000),
    }
    tasks = [one_shot(args, tally, stop, b, k, s) for k, s in kinds.items()]
    tasks += [chat_flood(args, tally, stop, b, 500), chat_flood_replies(args, tally, stop, b)]
    await asyncio.gather(*tasks)


async def caps(args):
    """Opens WebSockets from one address past the per-IP cap, then from others past the global
    cap; every one beyond a cap must be refused (429, 503), every one within it admitted."""
    held, statuses = [], Counter()

    async def open_from(ip, n):
        for _ in range(n):
            try:
                status, r, w = await http_open(args.host, args.port, ip)
            except OSError as e:
                statuses[f"{ip} connect error {e.errno}"] += 1
                continue
            statuses[f"{ip} {status}"] += 1
            if status == 101:
                held.append(w)
            elif w:
                w.close()
    per_ip, total = args.per_ip_cap, args.max_connections
    await open_from("127.0.0.2", per_ip + args.surplus)
    ips = [f"127.0.0.{i}" for i in range(3, 250)]
    need, i = total + args.surplus - len(held), 0
    while need > 0:
        n = min(per_ip, need)
        await open_from(ips[i], n)
        need -= n
        i += 1
    refused = {k: v for k, v in statuses.items() if not k.endswith(" 101")}
    report = {"admitted": len(held), "answers": dict(statuses)}
    for w in held:
        w.close()
    ok = (statuses["127.0.0.2 101"] == per_ip and statuses["127.0.0.2 429"] == args.surplus
          and len(held) == total and sum(v for k, v in refused.items() if k.endswith(" 503")) >= args.surplus)
    return report, ok


def check_abuse(counts, group):
    """What each abuser must have seen: refused or closed, never served for long."""
    problems = []

    # The server ends a flood with close 1008, but the rest of the flood, unread, makes its
    # close a TCP reset that may overtake the close frame; frames the WebSocket layer rejects
    # (oversized, unmasked, reserved bits or opcodes, invalid UTF-8) end the TCP connection.
    dropped = ("close 1008", "TCP reset")
    expect = [
        ("idle websocket", ("close 1008 join timeout",)),
        ("idle tcp", ("closed by server",)),
        ("slow headers", ("closed by server",)),
    ] if group == "idle" else [
        ("oversized frame", ("TCP closed", "TCP reset", "close 1009")),
        ("malformed json", ("4003",)),
        ("unmasked frame", ("TCP closed", "TCP reset", "close 1002")),
        ("reserved opcode", ("TCP closed", "TCP reset", "close 1002")),
        ("rsv bits", ("TCP closed", "TCP reset", "close 1002")),
        ("binary flood", dropped),
        ("ping flood", dropped),
        ("text flood", dropped),
        ("chat flood 500/s", ("close 1008",)),
        ("chat 50/s", ("error 7012",)),
    ]
    for prefix, outcomes in expect:
        ends = [k for k in counts if k.startswith(prefix + ":")]
        if not ends:
            problems.append(f"{prefix}: never ran")
        for k in ends:
            if prefix == "chat 50/s" and k.endswith(": ok"):
                continue  # within the limit of 10 a second
            if not any(o in k for o in outcomes):
                problems.append(f"unexpected: {k}")
        if not any(o in k for k in ends for o in outcomes):
            problems.append(f"{prefix}: never saw {outcomes}")
    for k in counts:
        if "not closed within" in k:
            problems.append(k)
    return problems


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["caps", "calm", "abusers"])
    p.add_argument("--label", default="calm", help="the calm report's name")
    p.add_argument("--group", choices=["idle", "active"], default="active",
                   help="abusers: idle and slow sockets, or bad frames and floods (one process each)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--users", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=5)
    p.add_argument("--chats", type=int, default=5)
    p.add_argument("--secs", type=float, default=10)
    p.add_argument("--idle-ws", type=int, default=100)
    p.add_argument("--idle-tcp", type=int, default=50)
    p.add_argument("--slow", type=int, default=20)
    p.add_argument("--oversize-kib", type=int, default=1024)
    p.add_argument("--max-connections", type=int)
    p.add_argument("--per-ip-cap", type=int)
    p.add_argument("--surplus", type=int, default=20)
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.mode == "caps":
        report, ok = await caps(args)
        print(json.dumps({"caps": report}))
        return 0 if ok else 1
    if args.mode == "calm":
        report = await calm(args)
        print(json.dumps({args.label: report}))
        return 0 if not report["failures"] and report["deliveries_lost"] == 0 and report["joins"] == report["joins_wanted"] else 1
    # Abusers run in their own process, until SIGTERM, so that their work does not delay the
    # calm users' event loop and the latencies measured are the server's.
    tally, stop = Tally(), asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    flood_task = asyncio.create_task(abusers(args, tally, stop))
    print("abusers running", file=sys.stderr, flush=True)
    await stop.wait()
    try:
        await asyncio.wait_for(flood_task, 15)
    except asyncio.TimeoutError:
        pass
    counts = dict(sorted(tally.c.items()))
    problems = check_abuse(counts, args.group)
    print(json.dumps({"abusers": counts, "abuse_problems": problems}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
