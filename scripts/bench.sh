#!/usr/bin/env bash
# Benchmarks. One subcommand per subject; add yours to the `case` at the bottom.
#
#   scripts/bench.sh profiles [FILE.jfr]
#       JFR -> pprof conversion: forge-perf's `convert` and async-profiler's converter
#       (tools.profiler:jfr-converter) on the same 100+ MB recording, in the same run, each as a
#       fresh JVM like a user runs it (median of RUNS=3): seconds, MB/s, max RSS; then forge-perf
#       in one JVM (cold and warm) for events/s and peak heap. Without FILE, records one with
#       ConvertBench (a synthetic workload, JFR `profile` settings, 1 ms sampling) into
#       target/bench/profiles.jfr. Environment: RUNS (3), KINDS ("cpu alloc lock"), BENCH_SECONDS (100).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bench=$root/target/bench
mkdir -p "$bench"

build() {
  if [[ ! -f agent/target/forge-perf.jar || ! -f agent/target/test-classes/dev/forgeperf/profile/ConvertBench.class ]]; then
    mvn -B -q -ntp install -DskipTests
  fi
}

# median of numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# timed LABEL CMD...: runs CMD, appends "seconds maxrss_kb" to $bench/LABEL.times
timed() {
  local label=$1; shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$bench/.time" "$@" >/dev/null 2>"$bench/.err" || { cat "$bench/.err" >&2; return 1; }
    cat "$bench/.time" >>"$bench/$label.times"
  else
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>"$bench/.err" || { cat "$bench/.err" >&2; return 1; }; t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc) 0" >>"$bench/$label.times"
  fi
}

profiles() {
  build
  local jfr=${1:-$bench/profiles.jfr}
  local cp=agent/target/classes:agent/target/test-classes
  if [[ ! -f $jfr ]]; then
    echo "recording a benchmark JFR into $jfr (${BENCH_SECONDS:-100} s) ..."
    java -cp "$cp" dev.forgeperf.profile.ConvertBench record "$jfr" "${BENCH_SECONDS:-100}"
  fi
  local converter=$bench/jfr-converter-4.5.jar
  if [[ ! -f $converter ]]; then
    mvn -B -q -ntp dependency:copy -Dartifact=tools.profiler:jfr-converter:4.5 -DoutputDirectory="$bench" >/dev/null
  fi
  local mb
  mb=$(awk -v b="$(stat -c %s "$jfr")" 'BEGIN { printf "%.1f", b / 1e6 }')
  echo "input: $jfr ($mb MB), $(nproc) cores, $(java -version 2>&1 | head -1)"
  local runs=${RUNS:-3}
  printf '%-28s %-6s %9s %9s %12s   %s\n' TOOL KIND SECONDS MB/S MAX_RSS_MB "TOTAL (read back by forge-perf top)"
  for kind in ${KINDS:-cpu alloc lock}; do
    local apflag=""
    case $kind in alloc) apflag=--alloc ;; lock) apflag=--lock ;; esac
    rm -f "$bench"/{ours,ap}-$kind.times
    for ((i = 0; i < runs; i++)); do
      timed ours-$kind java -jar agent/target/forge-perf.jar convert "$jfr" --event "$kind" -o "$bench/ours-$kind.pb.gz"
      timed ap-$kind java -jar "$converter" $apflag -o pb.gz "$jfr" "$bench/ap-$kind.pb.gz"
    done
    for tool in ours ap; do
      local secs rss total name
      secs=$(cut -d' ' -f1 "$bench/$tool-$kind.times" | median)
      rss=$(cut -d' ' -f2 "$bench/$tool-$kind.times" | median)
      total=$(java -jar agent/target/forge-perf.jar top "$bench/$tool-$kind.pb.gz" -n 0 | head -1 | cut -d: -f2-)
      name=$([[ $tool == ours ]] && echo "forge-perf convert" || echo "async-profiler jfr-converter")
      printf '%-28s %-6s %9.2f %9.1f %12.0f  %s\n' "$name" "$kind" "$secs" "$(awk -v m="$mb" -v s="$secs" 'BEGIN { print m / s }')" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$total"
    done
  done
  echo
  echo "forge-perf in one JVM (first run cold, then warm):"
  java -cp "$cp" dev.forgeperf.profile.ConvertBench convert "$jfr" "$bench/inproc.pb.gz" cpu 3
}

case ${1:-} in
  profiles) shift; profiles "$@" ;;
  *)
    echo "usage: scripts/bench.sh profiles [FILE.jfr]" >&2
    exit 2
    ;;
esac
