#!/usr/bin/env bash
# P2, P3 and P7 on one tree of small files (default 200,000 files of 1-16 KiB
# random content in 1,000 directories; counts × BENCH_SCALE):
#   P2  cold `dsb update` (empty catalog) in files/s, against `restic backup`
#       of the same tree into a fresh local repository, in the same run.
#   P7  catalog bytes per file after that update (WAL checkpointed).
#   P3  warm `dsb update` of the unchanged tree against
#       `find DIR -printf '%s %T@ %i\n'`, best of 3 each, interleaved;
#       plus restic's unchanged re-scan for context.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init small

n=$(scaled 200000 100)
dirs=$(scaled 1000 2)
tree=$WORK/tree cat=$WORK/cat.sqlite
"$MKTREE" -files "$n" -dirs "$dirs" -min 1024 -max 16384 "$tree"
sync
bytes=$(du -sb --apparent-size "$tree" | cut -f1)
note "$n files, $dirs directories, $((bytes / 1000000)) MB, cores=$CORES"

# --- P2: cold update vs restic backup -----------------------------------
dsb_fresh "$cat" "$tree"
sync
dsb_update "$cat"
got=$(json_field new <<<"$SUMMARY")
[ "$got" = "$n" ] || { echo "P2: update recorded $got new files, want $n" >&2; exit 1; }
dsb_cold=$ELAPSED
dsb_rate=$(calc "$n / $dsb_cold")
note "dsb cold update: $dsb_cold s wall, $(json_field seconds <<<"$SUMMARY") s by its own clock"

if command -v restic >/dev/null 2>&1; then
  export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$WORK/restic
  restic init -q >/dev/null
  sync
  timed restic backup -q --cache-dir "$WORK/restic-cache" --host bench "$tree"
  restic_cold=$ELAPSED
  restic_rate=$(calc "$n / $restic_cold")
  ratio=$(calc "$dsb_rate / $restic_rate")
  note "$(restic version | head -1); restic cold backup: $restic_cold s"
  result P2 "cold update of $n small files" \
    "$(printf '%.0f' "$dsb_rate") files/s" "$(printf '%.2f' "$ratio")" \
    "restic backup $(printf '%.0f' "$restic_rate") files/s" ">= 1.0" "$(verdict "$ratio" '>=' 1.0)"
else
  result P2 "cold update of $n small files" "$(printf '%.0f' "$dsb_rate") files/s" \
    "n/a" "restic backup (restic not installed)" ">= 1.0" "SKIP"
fi

# --- P7: catalog bytes per file -----------------------------------------
if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$cat" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
else
  DSB_PATH=$cat "$DSB" ls >/dev/null
fi
size=$(stat -c %s "$cat")
[ -f "$cat-wal" ] && size=$((size + $(stat -c %s "$cat-wal")))
per=$(calc "$size / $n")
result P7 "catalog bytes per file at $n files" "$(printf '%.0f' "$per") B" \
  "$(printf '%.2f' "$(calc "$per / 300")")" "300 B budget" "<= 300" "$(verdict "$per" '<=' 300)"
note "catalog $size bytes"

# --- P3: warm update vs find ----------------------------------------------
find "$tree" -printf '%s %T@ %i\n' >/dev/null # warm the dentry and inode caches
best_find=1e9 best_dsb=1e9
for run in 1 2 3; do
  timed find "$tree" -printf '%s %T@ %i\n'
  best_find=$(fmin "$best_find" "$ELAPSED")
  dsb_update "$cat"
  got=$(json_field unchanged <<<"$SUMMARY")
  [ "$got" = "$n" ] || { echo "P3: update saw $got unchanged files, want $n" >&2; exit 1; }
  best_dsb=$(fmin "$best_dsb" "$ELAPSED")
done
ratio=$(calc "$best_dsb / $best_find")
result P3 "warm update of $n unchanged files" "${best_dsb} s" "$(printf '%.2f' "$ratio")" \
  "find -printf ${best_find} s" "<= 1.5" "$(verdict "$ratio" '<=' 1.5)"

if command -v restic >/dev/null 2>&1; then
  timed restic backup -q --cache-dir "$WORK/restic-cache" --host bench "$tree"
  note "context: restic unchanged re-scan $ELAPSED s, $(printf '%.0f' "$(calc "$n / $ELAPSED")") files/s ($(printf '%.1f' "$(calc "$ELAPSED / $best_dsb")")× dsb's warm update)"
fi
