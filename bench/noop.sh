# P12a: a no-op `dsb backup` (nothing to copy or delete) of the disk P8's
# small case wrote (200,000 objects × BENCH_SCALE), against `find` over its
# objects/ directory (names only, as reconcile needs them), best of 3 each,
# interleaved; `find -printf '%s'` (one stat per object) for context.
# Sourced by restore.sh; p12_noop CATALOG DISK. Target: <= 2 × find.
p12_noop() {
  local cat=$1 disk=$2 best_b=1e9 best_f=1e9 best_s=1e9 run got
  for run in 1 2 3; do
    timed find "$disk/objects" -type f
    best_f=$(fmin "$best_f" "$ELAPSED")
    timed find "$disk/objects" -type f -printf '%s\n'
    best_s=$(fmin "$best_s" "$ELAPSED")
    timed env DSB_PATH="$cat" "$DSB" backup d1 --json
    got=$(json_field copied <"$WORK/out")
    [ "$got" = 0 ] || { echo "P12: the no-op backup copied $got objects" >&2; exit 1; }
    best_b=$(fmin "$best_b" "$ELAPSED")
    note "no-op round $run: backup $ELAPSED s"
  done
  local ratio
  ratio=$(calc "$best_b / $best_f")
  note "find -printf '%s' (a stat per object): $best_s s"
  result P12 "no-op backup of a disk of $N objects" "$(printf '%.2f' "$best_b") s" "$(printf '%.2f' "$ratio")" \
    "find objects/ $(printf '%.3f' "$best_f") s" "<= 2.0" "$(verdict "$ratio" '<=' 2.0)"
}
