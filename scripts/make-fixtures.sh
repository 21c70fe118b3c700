#!/usr/bin/env bash
# Regenerates the small media fixtures in fixtures/ (committed; CI does not need ffmpeg).
# Needs ffmpeg (apt-get install ffmpeg). Content is ffmpeg's own test pattern and a sine tone.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fixtures
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=320x180:rate=20 -t 2 \
  -c:v libvpx -b:v 200k -g 20 -deadline realtime fixtures/testsrc-320x180.ivf
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 2 \
  -c:a libopus -b:a 32k -frame_duration 20 -application voip fixtures/tone-440.opus
ls -l fixtures
