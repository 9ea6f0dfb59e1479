# Shared helpers for the dsb benchmarks; sourced by the bench/*.sh scripts.
#
# Environment:
#   BENCH_SCALE  multiplies every file count and size (default 1; the smoke
#                run uses 0.01)
#   BENCH_DIR    parent of the temporary work directory (default /tmp)
#   BENCH_BIN    directory holding prebuilt dsb, mktree, sha256rate, profile
#                and sortref binaries (bench/run sets it; otherwise each script
#                builds them into its work directory)
#   BENCH_SMOKE  1: a smoke run (results are printed, MISS is not an error)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_ROOT/.." && pwd)
BENCH_SCALE=${BENCH_SCALE:-1}
BENCH_SMOKE=${BENCH_SMOKE:-0}
CORES=$(nproc)

# bench_init NAME: make the work directory (removed on exit) and the binaries.
bench_init() {
  WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/dsb-bench-$1.XXXXXX")
  trap 'bench_cleanup' EXIT
  if [ -z "${BENCH_BIN:-}" ]; then
    BENCH_BIN=$WORK/bin
    bench_build "$BENCH_BIN"
  fi
  DSB=$BENCH_BIN/dsb
  MKTREE=$BENCH_BIN/mktree
  SHA256RATE=$BENCH_BIN/sha256rate
}

# CLEAN lists more directories for bench_cleanup to remove.
CLEAN=()

bench_cleanup() {
  local rc=$? d
  for d in "${CLEAN[@]}" "${WORK:-}"; do
    if [ -n "$d" ] && [ -d "$d" ]; then rm -rf "$d"; fi
  done
  exit "$rc"
}

# bench_build DIR: build dsb and the benchmark helpers into DIR.
bench_build() {
  mkdir -p "$1"
  (
    cd "$REPO_ROOT"
    go build -o "$1/dsb" ./cmd/dsb
    # The helpers carry the build tag "ignore" (they are not part of the
    # module's packages); naming their files builds them anyway.
    go build -o "$1/mktree" bench/mktree/main.go
    go build -o "$1/sha256rate" bench/sha256rate/main.go
    go build -o "$1/profile" bench/profile/main.go
    go build -o "$1/sortref" bench/sortref/main.go
    go build -o "$1/snaptime" bench/snaptime/main.go
  )
}

# scaled N [MIN]: N × BENCH_SCALE, rounded, at least MIN (default 1).
scaled() {
  awk -v n="$1" -v s="$BENCH_SCALE" -v m="${2:-1}" 'BEGIN { v = int(n * s + 0.5); if (v < m) v = m; print v }'
}

now() { date +%s.%N; }

# timed CMD...: run CMD with stdout to $WORK/out, set ELAPSED (seconds, wall).
# Bash's $EPOCHREALTIME (bash >= 5) reads the clock without forking date(1),
# which matters for C1's millisecond timings.
timed() {
  local t0 t1
  if [ -n "${EPOCHREALTIME:-}" ]; then
    t0=${EPOCHREALTIME/,/.}
    "$@" >"$WORK/out"
    t1=${EPOCHREALTIME/,/.}
  else
    t0=$(now)
    "$@" >"$WORK/out"
    t1=$(now)
  fi
  ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
}

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }

# min A B
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 < b + 0) print a; else print b }'; }
fmax() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > b + 0) print a; else print b }'; }

# verdict VALUE OP LIMIT: PASS or MISS (OP is <= or >=).
verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    ok = (op == "<=") ? (v <= l) : (v >= l); print ok ? "PASS" : "MISS" }'
}

# result P WHAT VALUE RATIO REFERENCE TARGET VERDICT: the result line.
result() {
  printf '%s %s: %s (%s vs %s) target %s %s\n' "$@"
}

# json_field NAME < summary line: a number from dsb's JSON summary.
json_field() { grep '"type":"summary"' | sed -E "s/.*\"$1\":([0-9.eE+-]+).*/\1/"; }

# dsb_fresh CATALOG SOURCE_DIR: a new catalog with SOURCE_DIR mapped at /s.
dsb_fresh() {
  rm -f "$1" "$1"-wal "$1"-shm "$1".lock
  DSB_PATH=$1 "$DSB" source map /s "$2" >/dev/null
}

# dsb_update CATALOG: one `dsb update --json`, timed; SUMMARY holds its line.
dsb_update() {
  timed env DSB_PATH="$1" "$DSB" update --json
  SUMMARY=$(grep '"type":"summary"' "$WORK/out")
}

# mb KB: kilobytes to MB (10^6 bytes), one decimal.
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

note() { echo "  # $*"; }
