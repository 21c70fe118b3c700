#!/usr/bin/env python3
"""Prints the abuse suite's results: what the abusers got, and the calm session quiet vs under
abuse as a table for BENCHMARKS.md and docs/security.md.

Usage: summary.py CAPS.json QUIET.json UNDER_ABUSE.json ABUSERS.json...
"""
import json
import sys

caps, quiet, abuse = (json.load(open(p)) for p in sys.argv[1:4])
counts = {}
for p in sys.argv[4:]:
    counts.update(json.load(open(p))["abusers"])
print("\nabuse: connection caps:", json.dumps(caps["caps"]["answers"]))
print("abuse: what the abusers got (count: kind: outcome):")
for k, v in sorted(counts.items()):
    print(f"  {v:6d}  {k}")
print("| calm session | joins | chat messages | deliveries lost | join p50 / p99 / max (ms) | chat delivery p50 / p99 / max (ms) |")
print("|---|---|---|---|---|---|")
for name, r in (("quiet", quiet["quiet"]), ("under abuse", abuse["under_abuse"])):
    j, c = r["join_ms"], r["chat_delivery_ms"]
    print(f"| {name} | {r['joins']}/{r['joins_wanted']} | {r['chats_sent']} | {r['deliveries_lost']} | "
          f"{j['p50']} / {j['p99']} / {j['max']} | {c['p50']} / {c['p99']} / {c['max']} |")
