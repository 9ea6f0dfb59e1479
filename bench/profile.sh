#!/usr/bin/env bash
# Where does `dsb update` spend its time? Builds the P2 tree (200,000 files of
# 1-16 KiB × BENCH_SCALE), then runs a cold and a warm update under the Go CPU
# profiler (bench/profile, which calls scan.Run like `dsb update` does) and
# prints `go tool pprof -top` for each. Not part of bench/run.
#
#   bench/profile.sh                 # print the top functions
#   PROFILE_OUT=/some/dir bench/profile.sh   # also keep cold.pprof, warm.pprof
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init profile

n=$(scaled 200000 100)
dirs=$(scaled 1000 2)
"$MKTREE" -files "$n" -dirs "$dirs" -min 1024 -max 16384 "$WORK/tree"
sync
dsb_fresh "$WORK/cat.sqlite" "$WORK/tree"
for phase in cold warm; do
  echo "== $phase update of $n files: $("$BENCH_BIN/profile" -db "$WORK/cat.sqlite" -cpuprofile "$WORK/$phase.pprof")"
  go tool pprof -top -nodecount=25 "$BENCH_BIN/profile" "$WORK/$phase.pprof" 2>/dev/null | sed -n '4,$p'
  echo "-- cumulative, dsb and database/sql frames"
  go tool pprof -top -cum -nodecount=400 "$BENCH_BIN/profile" "$WORK/$phase.pprof" 2>/dev/null |
    grep -E ' (dsb/|database/sql\.\(\*Stmt\)|os\.OpenFile|syscall\.(Syscall|Fstat|fcntl|openat|read)$|golang.org/x/sys/unix\.F|io\.copyBuffer|crypto/.*block)' | head -30
done
if [ -n "${PROFILE_OUT:-}" ]; then
  mkdir -p "$PROFILE_OUT"
  cp "$WORK/cold.pprof" "$WORK/warm.pprof" "$BENCH_BIN/profile" "$PROFILE_OUT/"
  echo "profiles kept in $PROFILE_OUT (go tool pprof -http=: $PROFILE_OUT/profile $PROFILE_OUT/cold.pprof)"
fi
