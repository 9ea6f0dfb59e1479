#!/usr/bin/env bash
# P6: peak resident memory of a cold `dsb update` (GNU time's "Maximum
# resident set size") at 1,000,000 tiny files (1-64 bytes, 200 per
# directory) and at 250,000, to show it stays flat as the tree grows.
# Targets: <= 150 MB at 1M files, and RSS(1M) / RSS(250k) <= 1.25.
# Counts × BENCH_SCALE; the 250k tree is the first part of the 1M tree.
#
# C1: tab-completion latency on the 1M-file catalog P6 leaves behind:
# `dsb __complete ls PREFIX` (what the shell runs on TAB) for a prefix at
# each level of the tree (groups, leaf directories, files), best of 5 each;
# the value is the slowest prefix. Reference, same run: `dsb --help` (process
# start-up without a catalog), best of 5, interleaved. Target: < 100 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/time ] || { echo "P6 needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
bench_init p6

small=$(scaled 250000 100)
big=$(scaled 1000000 400)
# The tree goes to /dev/shm when it has room (and BENCH_DIR is not set):
# RSS does not depend on the file system, and creating and deleting a
# million files on a disk (worse, one mounted with discard) takes minutes.
tree=$WORK/tree
if [ -z "${BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
  [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((big * 8 + 1048576)) ]; then
  tree=$(mktemp -d /dev/shm/dsb-bench-p6.XXXXXX)
  CLEAN+=("$tree")
fi
"$MKTREE" -files "$small" -dirs $(((small + 199) / 200)) -min 1 -max 64 -seed 1 "$tree/part1"
"$MKTREE" -files $((big - small)) -dirs $(((big - small + 199) / 200)) -min 1 -max 64 -seed 2 "$tree/part2"
sync
note "tree in $(df -P "$tree" | awk 'NR == 2 { print $1 }') ($(stat -f -c %T "$tree")), catalog in $(stat -f -c %T "$WORK")"

# peak_rss DIR COUNT: set RSS to the peak RSS in KB of a cold update of DIR.
peak_rss() {
  dsb_fresh "$WORK/cat.sqlite" "$1"
  DSB_PATH=$WORK/cat.sqlite /usr/bin/time -v -o "$WORK/time" "$DSB" update --json >"$WORK/out"
  local got
  got=$(json_field new <"$WORK/out")
  [ "$got" = "$2" ] || { echo "P6: update recorded $got new files, want $2" >&2; exit 1; }
  RSS=$(grep 'Maximum resident set size' "$WORK/time" | awk '{ print $NF }')
  note "$2 files: peak RSS $(mb "$RSS") MB, wall $(grep 'Elapsed (wall' "$WORK/time" | awk '{ print $NF }'), dsb's clock $(json_field seconds <"$WORK/out") s"
}
peak_rss "$tree/part1" "$small"
rss_small=$RSS
peak_rss "$tree" "$big"
rss_big=$RSS
ratio=$(calc "$rss_big / $rss_small")
v1=$(verdict "$(mb "$rss_big")" '<=' 150) v2=$(verdict "$ratio" '<=' 1.25)
[ "$v1" = PASS ] && [ "$v2" = PASS ] && v=PASS || v=MISS
result P6 "peak RSS of cold update at $big files" "$(mb "$rss_big") MB" "$(printf '%.2f' "$ratio")" \
  "$(mb "$rss_small") MB at $small files" "<= 150 MB and <= 1.25" "$v"

# --- C1: completion latency on the 1M-file catalog ---------------------------
cat=$WORK/cat.sqlite
g=$(ls "$tree/part2" | head -1)
d=$(ls "$tree/part2/$g" | head -1)
prefixes=("/s/part2/g0" "/s/part2/$g/d0" "/s/part2/$g/$d/f")
for p in "${prefixes[@]}"; do # warm up; each prefix must complete something
  got=$(DSB_PATH=$cat "$DSB" __complete ls "$p" 2>/dev/null | grep -vc '^:' || true)
  [ "$got" -gt 0 ] || { echo "C1: no completions for $p" >&2; exit 1; }
done
best_help=1e9
declare -A best
for p in "${prefixes[@]}"; do best[$p]=1e9; done
for run in 1 2 3 4 5; do
  timed env "$DSB" --help # through env(1) like the completions
  best_help=$(fmin "$best_help" "$ELAPSED")
  for p in "${prefixes[@]}"; do
    timed env DSB_PATH="$cat" "$DSB" __complete ls "$p" 2>"$WORK/err" # cobra prints the directive on stderr
    best[$p]=$(fmin "${best[$p]}" "$ELAPSED")
  done
done
worst=0 worst_p=
for p in "${prefixes[@]}"; do
  note "__complete ls $p: $(printf '%.1f' "$(calc "${best[$p]} * 1000")") ms best of 5, $(DSB_PATH=$cat "$DSB" __complete ls "$p" 2>/dev/null | grep -vc '^:') completions"
  if [ "$(fmax "$worst" "${best[$p]}")" != "$worst" ]; then worst=${best[$p]} worst_p=$p; fi
done
ms=$(calc "$worst * 1000")
ratio=$(calc "$worst / $best_help")
result C1 "completion latency at $big files (dsb __complete ls $worst_p)" "$(printf '%.1f' "$ms") ms" \
  "$(printf '%.2f' "$ratio")" "dsb --help start-up $(printf '%.1f' "$(calc "$best_help * 1000")") ms" "< 100 ms" "$(verdict "$ms" '<=' 99.999)"

# --- P11: per-file answers on the same catalog -------------------------------
. "$BENCH_ROOT/answers.sh"
