#!/usr/bin/env bash
# P1: cold `dsb update` of a few large files that are already in the page
# cache, against cores × the single-core Go SHA-256 rate measured in the same
# run (bench/sha256rate). Target: ratio >= 0.85 (issue 15).
#
# Default: 4 files × 512 MiB (× BENCH_SCALE). Each side is the best of 3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init p1

files=4
size=$(scaled $((512 << 20)) $((1 << 20)))
"$MKTREE" -large -files "$files" -max "$size" "$WORK/large"
sync
cat "$WORK"/large/* >/dev/null # into the page cache
total=$((files * size))

best_rate=0 best_dsb=1e9
for run in 1 2 3; do
  r=$("$SHA256RATE" -d 1s)
  best_rate=$(fmax "$best_rate" "$r")
  dsb_fresh "$WORK/cat.sqlite" "$WORK/large"
  dsb_update "$WORK/cat.sqlite"
  hashed=$(json_field bytes_hashed <<<"$SUMMARY")
  [ "$hashed" = "$total" ] || { echo "P1: hashed $hashed bytes, want $total" >&2; exit 1; }
  best_dsb=$(fmin "$best_dsb" "$ELAPSED")
done
ref=$(calc "$CORES * $best_rate")
rate=$(calc "$total / $best_dsb")
ratio=$(calc "$rate / $ref")
note "$files files × $((size >> 20)) MiB, cores=$CORES, single-core SHA-256 $(printf '%.0f' "$(calc "$best_rate / 1e6")") MB/s (best of 3), dsb wall $best_dsb s (best of 3)"
result P1 "cold update of $files × $((size >> 20)) MiB cached files" \
  "$(printf '%.0f' "$(calc "$rate / 1e6")") MB/s" "$(printf '%.2f' "$ratio")" \
  "$CORES × single-core SHA-256 $(printf '%.0f' "$(calc "$ref / 1e6")") MB/s" ">= 0.85" "$(verdict "$ratio" '>=' 0.85)"
