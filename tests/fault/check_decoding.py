#!/usr/bin/env python3
"""Checks a subscriber bot's media-stats lines: frames from the publisher grew every interval.

Usage: check_decoding.py SUB_OUTPUT PUBLISHER_ID SCENARIO
"""
import json
import sys

path, pub, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
series = {"audio": [], "video": []}
keyframes = 0
for line in open(path):
    m = json.loads(line)
    if m.get("event") != "media-stats":
        continue
    got = {k: 0 for k in series}
    for s in m["payload"]:
        if s.get("userId") == pub and s["kind"] in got:
            got[s["kind"]] += s["frames"]
            if s["kind"] == "video":
                keyframes = max(keyframes, s["keyframes"])
    for k in series:
        series[k].append(got[k])
print(f"fault ({scenario}): frames received from the publisher, cumulative per interval: {series}")
for k, xs in series.items():
    tail = xs[-4:]
    assert len(tail) == 4, f"too few stats intervals: {xs}"
    assert all(b > a for a, b in zip(tail, tail[1:])), f"{k} stalled under {scenario}: {xs}"
assert keyframes >= 1, "no keyframe received"
print(f"fault ({scenario}): audio and video kept decoding")
