# P11: per-file and per-pool answers on the 1,000,000-file catalog P6
# leaves behind (sourced by rss.sh, with $cat and $tree set). Three disks
# are added and given synthetic copies with sqlite3 (half, a third and
# three sevenths of the objects; a real backup of a million objects would
# take minutes), then each command runs 3 times: best wall time and the
# largest peak RSS (GNU time). Reference, same run: `dsb --help`.
# Targets (issue 15): why PATH <= 100 ms and <= 100 MB; ls DIR <= 50 ms;
# restore --plan (everything) <= 2 s and <= 300 MB; status <= 0.5 s;
# plan DISK <= 1.5 s; tree <= 1 s.

p11() {
  if ! command -v sqlite3 >/dev/null; then
    echo "P11 per-file answers: SKIP (needs sqlite3 for the synthetic copies)"
    return
  fi
  local d
  for d in d1 d2 d3; do
    mkdir -p "$WORK/disks/$d"
    DSB_PATH=$cat "$DSB" disk add "$d" "$WORK/disks/$d" >/dev/null
  done
  sqlite3 "$cat" "INSERT INTO copies(object, disk, verified_at) SELECT id, 1, 1 FROM objects WHERE id % 2 = 0;
    INSERT INTO copies(object, disk, verified_at) SELECT id, 2, 1 FROM objects WHERE id % 3 = 0;
    INSERT INTO copies(object, disk, verified_at) SELECT id, 3, 1 FROM objects WHERE id % 7 < 3;
    UPDATE disks SET reconciled_at = 1; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  local g dir file
  g=$(ls "$tree/part2" | head -1)
  dir=/s/part2/$g/$(ls "$tree/part2/$g" | head -1)
  file=$dir/$(ls "$tree/part2/$g/${dir##*/}" | head -1)
  local -a names=(why ls restore-plan status plan tree)
  local -A cmd=([why]="why $file" [ls]="ls $dir" [restore-plan]="restore --plan" [status]="status"
    [plan]="plan d1" [tree]="tree")
  local -A tmax=([why]=0.1 [ls]=0.05 [restore-plan]=2 [status]=0.5 [plan]=1.5 [tree]=1)
  local -A rmax=([why]=100 [restore-plan]=300)
  local -A best rss
  local n run help=1e9 kb
  for n in "${names[@]}"; do best[$n]=1e9 rss[$n]=0; done
  for run in 1 2 3; do
    timed env "$DSB" --help
    help=$(fmin "$help" "$ELAPSED")
    for n in "${names[@]}"; do
      # shellcheck disable=SC2086 # the command's words
      timed env DSB_PATH="$cat" /usr/bin/time -f %M -o "$WORK/rss" "$DSB" ${cmd[$n]}
      best[$n]=$(fmin "${best[$n]}" "$ELAPSED")
      kb=$(tail -1 "$WORK/rss")
      rss[$n]=$(fmax "${rss[$n]}" "$kb")
    done
  done
  local ms target v
  for n in "${names[@]}"; do
    ms=$(printf '%.1f' "$(calc "${best[$n]} * 1000")")
    target="<= $(calc "${tmax[$n]} * 1000") ms"
    v=$(verdict "${best[$n]}" '<=' "${tmax[$n]}")
    if [ -n "${rmax[$n]:-}" ]; then
      target="$target and <= ${rmax[$n]} MB"
      [ "$(verdict "$(mb "${rss[$n]}")" '<=' "${rmax[$n]}")" = PASS ] || v=MISS
    fi
    result P11 "dsb ${cmd[$n]} at $big files" "$ms ms, $(mb "${rss[$n]}") MB" \
      "$(printf '%.1f' "$(calc "${best[$n]} / $help")")" "dsb --help $(printf '%.1f' "$(calc "$help * 1000")") ms" \
      "$target" "$v"
  done
}
p11

# P12b: the catalog snapshot every backup writes to its disk (Describe:
# a page copy by SQLite's online backup, or VACUUM INTO when many pages are
# free), timed by bench/snaptime on this 1M-file catalog, against a
# durable copy of 1 GiB (`cp` + `sync -f`) onto the same file system: a
# backup that copies 1 GB at 1M files takes at least that. Best of 2.
# Target: snapshot <= 10 % of it.
p12_snapshot() {
  local gib best_s=1e9 best_c=1e9 run secs bytes
  gib=$(scaled $((1 << 30)) $((1 << 20)))
  "$MKTREE" -large -files 1 -max "$gib" "$WORK/gib"
  for run in 1 2; do
    read -r secs bytes < <("$BENCH_BIN/snaptime" -db "$cat" -out "$WORK/snap.sqlite")
    best_s=$(fmin "$best_s" "$secs")
    rm -rf "$WORK/snap.sqlite" "$WORK/gib.copy"
    sync
    timed bash -c 'cp -r "$1" "$2" && sync -f "$2"' _ "$WORK/gib" "$WORK/gib.copy"
    best_c=$(fmin "$best_c" "$ELAPSED")
  done
  rm -rf "$WORK/gib" "$WORK/gib.copy"
  local ratio
  ratio=$(calc "$best_s / $best_c")
  result P12 "catalog snapshot at $big files ($(calc "$bytes / 1e6") MB)" "$(printf '%.2f' "$best_s") s" \
    "$(printf '%.2f' "$ratio")" "cp + sync -f of $((gib >> 20)) MiB $(printf '%.2f' "$best_c") s" "<= 0.10" \
    "$(verdict "$ratio" '<=' 0.10)"
}
p12_snapshot
