#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer on the stable toolchain and runs each for a bounded
# time. Usage: bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 30 s, all)
#
# No nightly and no cargo-fuzz needed: cargo-fuzz's coverage flags (SanitizerCoverage
# through `-C passes` / `-C llvm-args`) are stable rustc flags, and `libfuzzer-sys` builds
# libFuzzer itself with the system C++ compiler. Without AddressSanitizer (nightly-only),
# which the project's `forbid(unsafe_code)` crates do not need. See docs/fuzzing.md.
#
# New inputs go to a scratch directory, not to the committed corpus (fuzz/corpus/<target>/);
# a crash is written to fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")"

SECS="${1:-30}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(signaling_frame token rfc4571 session_core sfu_datagram bot_line)
fi

export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares"
# An explicit --target keeps these flags off build scripts and proc macros, which are not
# linked with libFuzzer.
TARGET_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
# The project's lock file pins every crate the targets share with it; cargo adds only the
# fuzzing crates (libfuzzer-sys, arbitrary) to this copy, so a dependency added to a crate
# never leaves a stale second lock file behind.
cp ../Cargo.lock Cargo.lock
cargo build --release --bins --target "$TARGET_TRIPLE"
BIN="target/$TARGET_TRIPLE/release"

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
for t in "${TARGETS[@]}"; do
  mkdir -p "artifacts/$t" "$SCRATCH/$t" "corpus/$t"
  echo "fuzzing $t for ${SECS}s"
  "$BIN/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" "$SCRATCH/$t" "corpus/$t"
done
