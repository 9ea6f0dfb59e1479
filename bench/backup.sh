#!/usr/bin/env bash
# P4: `dsb backup` throughput against `cp -r` of the same files onto the same
# file system, in the same run. Two cases (counts and sizes × BENCH_SCALE):
#   large  4 files × 256 MiB
#   small  20,000 files of 1-16 KiB random content in 100 directories
# The source is in the page cache (read once before the rounds; nothing is
# dropped). Each side is the best of 3 rounds (the order of the tools
# reversed in round 2), each onto a fresh directory:
# for dsb a fresh copy of the updated catalog plus `dsb disk add d1 DIR`
# (untimed), then `dsb backup d1` timed as is, i.e. including the disk
# description it writes (catalog snapshot, manifest, README.txt) and its
# fsyncs. Dirty pages are flushed (`sync`, untimed) before every timed
# command so one round's write-back does not land in the next. The small
# case keeps every round's copies until its end (1.6 GB): deleting 20,000
# files between rounds on this machine's ext4 (mounted with discard) slowed
# the following rounds.
# Target (issue 15): dsb MB/s / (cp -r && sync -f) MB/s >= 0.9 in each
# case: the reference is what backup promises to match, a durable copy
# (hashing and durability are part of the job). Plain `cp -r` (not
# durable) is printed for context.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init p4

# p4_case NAME WHAT: SRC holds the files (N of them, BYTES in all); back
# them up and copy them, print the result line. DEFER=1: delete each
# round's copies only at the end of the case.
p4_case() {
  local name=$1 what=$2 cat0=$WORK/$1-base.sqlite
  sync
  find "$SRC" -type f -exec cat {} + >/dev/null # into the page cache
  dsb_fresh "$cat0" "$SRC"
  dsb_update "$cat0"
  local got
  got=$(json_field new <<<"$SUMMARY")
  [ "$got" = "$N" ] || { echo "P4 $name: update recorded $got new files, want $N" >&2; exit 1; }
  local best_dsb=1e9 best_cp=1e9 best_cps=1e9 run cat dst dsb_t dsb_own cp_t cps_t
  p4_dsb() {
    # dsb backup onto a fresh disk directory, with a fresh catalog copy.
    cat=$WORK/$name-cat.sqlite dst=$WORK/$name-disk$run
    rm -rf "$cat" "$cat"-wal "$cat"-shm "$cat".lock
    cp "$cat0" "$cat"
    [ -f "$cat0-wal" ] && cp "$cat0-wal" "$cat-wal"
    DSB_PATH=$cat "$DSB" disk add d1 "$dst" >/dev/null
    sync
    timed env DSB_PATH="$cat" "$DSB" backup d1 --json
    got=$(json_field copied <"$WORK/out")
    [ "$got" = "$N" ] || { echo "P4 $name: backup copied $got objects, want $N" >&2; exit 1; }
    best_dsb=$(fmin "$best_dsb" "$ELAPSED")
    dsb_t=$ELAPSED
    dsb_own=$(printf '%.3f' "$(json_field seconds <"$WORK/out")")
    [ "$DEFER" = 1 ] || rm -rf "$dst"
  }
  p4_cp() { # cp -r of the same tree onto a fresh directory of the same file system
    dst=$WORK/$name-cp$run
    sync
    timed cp -r "$SRC" "$dst"
    best_cp=$(fmin "$best_cp" "$ELAPSED")
    cp_t=$ELAPSED
    [ "$DEFER" = 1 ] || rm -rf "$dst"
  }
  p4_cps() {
    dst=$WORK/$name-cpsync$run
    sync
    timed bash -c 'cp -r "$1" "$2" && sync -f "$2"' _ "$SRC" "$dst"
    best_cps=$(fmin "$best_cps" "$ELAPSED")
    cps_t=$ELAPSED
    [ "$DEFER" = 1 ] || rm -rf "$dst"
  }
  # The order alternates, so that no tool always runs right after another
  # one's deletes (the first large writes into memory a run freed are slow
  # on this VM: bench/README, session 6).
  for run in 1 2 3; do
    if [ $((run % 2)) = 1 ]; then p4_dsb; p4_cp; p4_cps; else p4_cps; p4_cp; p4_dsb; fi
    note "$name round $run: dsb backup $dsb_t s ($dsb_own s by its own clock), cp -r $cp_t s, cp -r + sync -f $cps_t s$([ $((run % 2)) = 0 ] && echo ' (reverse order)')"
  done
  local rate cps_rate ratio
  rate=$(calc "$BYTES / $best_dsb")
  cps_rate=$(calc "$BYTES / $best_cps")
  ratio=$(calc "$rate / $cps_rate")
  note "$name: context: cp -r $(printf '%.0f' "$(calc "$BYTES / $best_cp / 1e6")") MB/s (not durable); dsb / that = $(printf '%.2f' "$(calc "$best_cp / $best_dsb")")"
  result P4 "backup of $what" "$(printf '%.0f' "$(calc "$rate / 1e6")") MB/s, $(printf '%.0f' "$(calc "$N / $best_dsb")") files/s" \
    "$(printf '%.2f' "$ratio")" "cp -r + sync -f $(printf '%.0f' "$(calc "$cps_rate / 1e6")") MB/s" ">= 0.9" "$(verdict "$ratio" '>=' 0.9)"
  rm -rf "$SRC" "$cat0" "$cat0"-wal "$cat0"-shm "$cat0".lock "$WORK/$name"-cat.sqlite* \
    "$WORK/$name"-disk? "$WORK/$name"-cp? "$WORK/$name"-cpsync?
}

note "work directory on $(df -P "$WORK" | awk 'NR == 2 { print $1 }') ($(stat -f -c %T "$WORK")), cores=$CORES"

# --- large: a few big files ------------------------------------------------
size=$(scaled $((256 << 20)) $((1 << 20)))
SRC=$WORK/large N=4 BYTES=$((4 * size)) DEFER=0
"$MKTREE" -large -files "$N" -max "$size" "$SRC"
p4_case large "$N × $((size >> 20)) MiB files"

# --- small: many small files ------------------------------------------------
N=$(scaled 20000 100)
dirs=$(scaled 100 2)
SRC=$WORK/small DEFER=1
"$MKTREE" -files "$N" -dirs "$dirs" -min 1024 -max 16384 "$SRC"
BYTES=$(find "$SRC" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
p4_case small "$N files of 1-16 KiB"
