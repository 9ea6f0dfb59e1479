#!/usr/bin/env bash
# P5: the redundancy planner on 1,000,000 synthetic objects as one of 8 disks
# sees them: planner/bench_test.go's BenchmarkPlan1M, run as
#   go test ./planner -run '^$' -bench BenchmarkPlan1M -benchtime 3x -benchmem
# (the test binary is built first with `go test -c` and run directly, so
# that /usr/bin/time -v measures the benchmark process, not the go command
# or the compiler). Values: time per plan (ns/op, best of 3 processes) and
# the peak RSS of the benchmark process (largest of the 3; it includes the
# 76 MB input). Targets: <= 3 s per plan, <= 300 MB.
# Reference, same run: one sort.Slice of 1,000,000 80-byte structs (the size
# of planner.Object) by a random key (bench/sortref, best of 3); the ratio
# shows how many such sorts a plan costs, to compare runs on a noisy
# machine. The object count is fixed by the benchmark (BENCH_SCALE does not
# change it); in smoke mode the benchmark runs once with -benchtime 1x.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/time ] || { echo "P5 needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
bench_init p5

(cd "$REPO_ROOT" && go test -c -o "$WORK/planner.test" ./planner)
benchtime=3x procs=3
if [ "$BENCH_SMOKE" = 1 ]; then benchtime=1x procs=1; fi

best_ns=1e18 rss=0
for run in $(seq "$procs"); do
  /usr/bin/time -v -o "$WORK/time" "$WORK/planner.test" -test.run '^$' -test.bench BenchmarkPlan1M \
    -test.benchtime "$benchtime" -test.benchmem >"$WORK/out"
  line=$(grep '^BenchmarkPlan1M' "$WORK/out") || { cat "$WORK/out" >&2; echo "P5: no benchmark line" >&2; exit 1; }
  ns=$(awk '{ for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") print $i }' <<<"$line")
  alloc=$(awk '{ for (i = 2; i < NF; i++) if ($(i + 1) == "MB-alloc/plan") print $i }' <<<"$line")
  actions=$(awk '{ for (i = 2; i < NF; i++) if ($(i + 1) == "actions") print $i }' <<<"$line")
  r=$(grep 'Maximum resident set size' "$WORK/time" | awk '{ print $NF }')
  best_ns=$(fmin "$best_ns" "$ns")
  rss=$(fmax "$rss" "$r")
  note "process $run: $(printf '%.3f' "$(calc "$ns / 1e9")") s/plan, peak RSS $(mb "$r") MB, wall $(grep 'Elapsed (wall' "$WORK/time" | awk '{ print $NF }'), $alloc MB allocated per plan, $actions actions"
done
sort_s=$("$BENCH_BIN/sortref" -n 1000000 -r 3)
plan_s=$(calc "$best_ns / 1e9")
ratio=$(calc "$plan_s / $sort_s")
v1=$(verdict "$plan_s" '<=' 3) v2=$(verdict "$(mb "$rss")" '<=' 300)
[ "$v1" = PASS ] && [ "$v2" = PASS ] && v=PASS || v=MISS
note "against the targets alone: $(printf '%.2f' "$(calc "$plan_s / 3")") of 3 s, $(printf '%.2f' "$(calc "$(mb "$rss") / 300")") of 300 MB"
result P5 "plan of 1000000 objects × 8 disks (-benchtime $benchtime)" \
  "$(printf '%.3f' "$plan_s") s/plan, peak RSS $(mb "$rss") MB" "$(printf '%.2f' "$ratio")" \
  "sort.Slice of 1M 80-byte structs $(printf '%.3f' "$sort_s") s" "<= 3 s and <= 300 MB" "$v"
