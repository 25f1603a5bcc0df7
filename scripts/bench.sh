#!/usr/bin/env bash
# Benchmarks against the real agent jar (see README "Benchmarks"). The bench/ module is built
# only here (mvn -Pbench), never by the default `mvn verify`.
#
#   scripts/bench.sh timing [JMH options]      exact/sampled timing cost, JMH with -prof gc; exact mode again
#                                              with -XX:ActiveProcessorCount=64; bytes per timed method
#   scripts/bench.sh timing-instrument [--classes N] [--cycles N]
#                                              instrument 1,000 classes via the CLI; metaspace
#   scripts/bench.sh recording                 jfr=default vs jfr=off on a CPU-bound sample-app
#   scripts/bench.sh diagnostics               snapshot time on a 2 GB heap, sampler cost
#   scripts/bench.sh profiles [FILE.jfr]
#       JFR -> pprof conversion: forge-perf's `convert` and async-profiler's converter
#       (tools.profiler:jfr-converter) on the same 100+ MB recording, in the same run, each as a
#       fresh JVM like a user runs it (median of RUNS=3): seconds, MB/s, max RSS; then forge-perf
#       in one JVM (cold and warm) for events/s and peak heap. Without FILE, records one with
#       ConvertBench (a synthetic workload, JFR `profile` settings, 1 ms sampling) into
#       target/bench/profiles.jfr. Environment: RUNS (3), KINDS ("cpu alloc lock"), BENCH_SECONDS (100).
#   scripts/bench.sh control                   `status`/`timings`/`health` round trips on the control
#                                              socket, idle and while two profiles and heap dumps run
#                                              (HEAP_DUMPS=0: profiles only; N: calls per command, 200)
#   scripts/bench.sh peers [JMH options]       timed-call cost of forge-perf beside JDK 25's JFR method
#                                              timing, the OpenTelemetry agent and Arthas `monitor` (one
#                                              JMH run, ratios to the floor), start-up of each agent;
#                                              fetches the peers from Maven Central; writes docs/benchmarks.md
set -euo pipefail
export LC_ALL=C   # printf %f of bc's output
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
jar="$root/agent/target/forge-perf.jar"
benchjar="$root/bench/target/benchmarks.jar"
java="${JAVA:-java}"
bench=$root/target/bench

usage() {
  cat >&2 <<'USAGE'
usage: scripts/bench.sh COMMAND [ARGS]
  timing [JMH options]                   cost of a timed call (exact, 2 threads, sampled) vs two
                                         System.nanoTime() reads, with -prof gc; exact mode again in
                                         JVMs told they have 64 CPUs; bytes the timed method holds
                                         (2 and 64 CPUs, 1 and 2 threads); e.g. `-f 1 -i 2` for a
                                         quick look, `-jvm /usr/lib/jvm/X/bin/java` for another JDK
  timing-instrument [--classes N] [--cycles N]
                                         wall time of `forge-perf instrument PID 'gen.**#*' --force`
                                         on 1,000 loaded classes, metaspace after 20 cycles
  profiles [FILE.jfr]                    JFR -> pprof conversion speed vs async-profiler's converter
  recording                              continuous JFR recording's cost on sample-app throughput
  diagnostics                            snapshot time on a 2 GB heap; the sampler's own cost
  control                                status/timings/health latency on the control socket, idle
                                         and while two profiles and a heap dump run (N=200 each)
  peers [JMH options]                    forge-perf's timed call beside JFR method timing (JDK 25),
                                         OpenTelemetry and Arthas; start-up of each agent; writes
                                         docs/benchmarks.md (STARTUP_RUNS, default 5)
Set JAVA=/path/to/java to run the harness with another JDK.
USAGE
  exit 2
}

build() {
  if [[ ! -f "$jar" ]]; then
    echo "== building the agent (mvn -B -q -ntp package -DskipTests)" >&2
    mvn -B -q -ntp package -DskipTests
  fi
  if [[ ! -f "$benchjar" || -n "$(find bench/src agent/src bench/pom.xml -newer "$benchjar" -type f -print -quit 2>/dev/null)" ]]; then
    echo "== building the benchmarks (mvn -B -q -ntp -Pbench package -pl bench -am -DskipTests)" >&2
    mvn -B -q -ntp -Pbench package -pl bench -am -DskipTests
  fi
}

build_profiles() {
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
  build_profiles
  mkdir -p "$bench"
  local jfr=${1:-$bench/profiles.jfr}
  local cp=agent/target/classes:agent/target/test-classes
  if [[ ! -f $jfr ]]; then
    echo "recording a benchmark JFR into $jfr (${BENCH_SECONDS:-100} s) ..."
    "$java" -cp "$cp" dev.forgeperf.profile.ConvertBench record "$jfr" "${BENCH_SECONDS:-100}"
  fi
  local converter=$bench/jfr-converter-4.5.jar
  if [[ ! -f $converter ]]; then
    mvn -B -q -ntp dependency:copy -Dartifact=tools.profiler:jfr-converter:4.5 -DoutputDirectory="$bench" >/dev/null
  fi
  local mb
  mb=$(awk -v b="$(stat -c %s "$jfr")" 'BEGIN { printf "%.1f", b / 1e6 }')
  echo "input: $jfr ($mb MB), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
  local runs=${RUNS:-3} java_home
  java_home="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p' || true)"
  [[ -n $java_home ]] || { echo "bench.sh: cannot run $java" >&2; exit 1; }
  printf '%-30s %-6s %9s %9s %12s   %s\n' TOOL KIND SECONDS MB/S MAX_RSS_MB "TOTAL (read back by forge-perf top)"
  for kind in ${KINDS:-cpu alloc lock}; do
    local apflag=""
    case $kind in alloc) apflag=--alloc ;; lock) apflag=--lock ;; esac
    rm -f "$bench"/{ours,jar,ap}-$kind.times
    for ((i = 0; i < runs; i++)); do
      timed ours-$kind env JAVA_HOME="$java_home" FORGE_PERF_JAR="$jar" scripts/forge-perf convert "$jfr" --event "$kind" -o "$bench/ours-$kind.pb.gz" --force
      timed jar-$kind "$java" -jar "$jar" convert "$jfr" --event "$kind" -o "$bench/jar-$kind.pb.gz" --force
      timed ap-$kind "$java" -jar "$converter" $apflag -o pb.gz "$jfr" "$bench/ap-$kind.pb.gz"
    done
    for tool in ours jar ap; do
      local secs rss total name
      secs=$(cut -d' ' -f1 "$bench/$tool-$kind.times" | median)
      rss=$(cut -d' ' -f2 "$bench/$tool-$kind.times" | median)
      total=$("$java" -jar "$jar" top "$bench/$tool-$kind.pb.gz" -n 0 | head -1 | cut -d: -f2-)
      case $tool in
        ours) name="scripts/forge-perf convert" ;;
        jar) name="java -jar forge-perf.jar" ;;
        *) name="async-profiler jfr-converter" ;;
      esac
      printf '%-30s %-6s %9.2f %9.1f %12.0f  %s\n' "$name" "$kind" "$secs" "$(awk -v m="$mb" -v s="$secs" 'BEGIN { print m / s }')" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$total"
    done
  done
  echo
  echo "forge-perf in one JVM (first run cold, then warm):"
  "$java" -cp "$cp" dev.forgeperf.profile.ConvertBench convert "$jfr" "$bench/inproc.pb.gz" cpu 3
}

# Starts sample-app in the background with the given JVM and app options; sets $app_pid, $app_log.
start_sample_app() {
  local jvm_opts=$1; shift
  app_log=$(mktemp "${TMPDIR:-/tmp}/forge-perf-bench.XXXXXX")
  # shellcheck disable=SC2086
  "$java" $jvm_opts -jar sample-app/target/sample-app.jar --quiet "$@" >"$app_log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 600); do
    grep -q "sample-app ready" "$app_log" && return 0
    kill -0 "$app_pid" 2>/dev/null || { cat "$app_log" >&2; return 1; }
    sleep 0.1
  done
  echo "sample-app did not start" >&2; return 1
}

# Continuous JFR recording's cost: sample-app --cpu-only throughput with jfr=default, jfr=off and
# without the agent; whole runs (JFR's start-up included) and second halves (steady state), each
# setting's run paired with the jfr=off run of the same round (this VM drifts between rounds).
recording() {
  if [[ ! -f "$jar" || ! -f sample-app/target/sample-app.jar || -n "$(find agent/src sample-app/src -newer sample-app/target/sample-app.jar -type f -print -quit)" ]]; then
    mvn -B -q -ntp package -DskipTests
  fi
  local runs=${RUNS:-3} secs=${SECONDS_PER_RUN:-20} settings=${SETTINGS:-none off default}
  echo "sample-app --cpu-only --threads 2, ${secs}s per run, $runs rounds of: $settings; $(nproc) cores, $("$java" -version 2>&1 | head -1)"
  declare -A whole=() half=()
  for ((i = 1; i <= runs; i++)); do
    for setting in $settings; do
      local opts="-Xmx512m"
      [[ $setting != none ]] && opts="$opts -javaagent:$jar=jfr=$setting"
      local log; log=$(mktemp)
      # shellcheck disable=SC2086
      "$java" $opts -jar sample-app/target/sample-app.jar --cpu-only --threads 2 --duration "$secs" --quiet >"$log" 2>&1
      local n h
      n=$(sed -n 's/.*sample-app done orders=\([0-9]*\).*/\1/p' "$log")
      h=$(sed -n 's/.*second_half_per_s=\([0-9.]*\).*/\1/p' "$log")
      if [[ -z $n || -z $h ]]; then
        echo "bench.sh: sample-app ($setting) did not report its throughput:" >&2; cat "$log" >&2; rm -f "$log"; exit 1
      fi
      rm -f "$log"
      whole[$setting,$i]=$(echo "$n / $secs" | bc -l)
      half[$setting,$i]=$h
      printf '  round %d %-10s %10.0f orders/s whole run %10.0f orders/s second half\n' "$i" "$setting" "${whole[$setting,$i]}" "$h"
    done
  done
  printf '%-22s %14s %14s %18s %18s\n' SETTING "WHOLE/S" "2ND HALF/S" "WHOLE VS off" "2ND HALF VS off"
  for setting in $settings; do
    local w=() h=() rw=() rh=()
    for ((i = 1; i <= runs; i++)); do
      w+=("${whole[$setting,$i]}"); h+=("${half[$setting,$i]}")
      if [[ -n ${whole[off,$i]:-} ]]; then
        rw+=("$(echo "(${whole[$setting,$i]} / ${whole[off,$i]} - 1) * 100" | bc -l)")
        rh+=("$(echo "(${half[$setting,$i]} / ${half[off,$i]} - 1) * 100" | bc -l)")
      fi
    done
    if ((${#rw[@]})); then
      printf '%-22s %14.0f %14.0f %17.2f%% %17.2f%%\n' "$setting" "$(printf '%s\n' "${w[@]}" | median)" "$(printf '%s\n' "${h[@]}" | median)" \
        "$(printf '%s\n' "${rw[@]}" | median)" "$(printf '%s\n' "${rh[@]}" | median)"
    else
      printf '%-22s %14.0f %14.0f %18s %18s\n' "$setting" "$(printf '%s\n' "${w[@]}" | median)" "$(printf '%s\n' "${h[@]}" | median)" n/a n/a
    fi
  done
  echo "(VS off: median over rounds of each round's ratio to that round's jfr=off run)"
}

# Snapshot time on a 2 GB heap and the sampler's own cost.
diagnostics() {
  [[ -f "$jar" && -f sample-app/target/sample-app.jar ]] || mvn -B -q -ntp package -DskipTests
  local mb=${RETAIN_MB:-2000}
  echo "sample-app --retain-mb $mb (-Xms3g -Xmx3g), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
  start_sample_app "-Xms3g -Xmx3g -javaagent:$jar=metrics.interval=1s" --retain-mb "$mb"
  trap 'kill $app_pid 2>/dev/null; rm -f "$app_log"' RETURN
  sleep "${WARMUP:-15}"
  local out; out=$(mktemp -d)
  for i in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "$java" -jar "$jar" snapshot "$app_pid" -o "$out/s$i" >/dev/null
    t1=$(date +%s.%N)
    printf '  snapshot %d: %.2f s (CLI round trip included), %s\n' "$i" "$(echo "$t1 - $t0" | bc -l)" "$(du -sh "$out/s$i" | cut -f1)"
  done
  "$java" -jar "$jar" metrics "$app_pid" --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
h = m.get("heap", {})
s = m.get("sampler", {})
print("  heap used: %.0f MB" % (h.get("used", 0) / 1048576))
print("  sampler: " + json.dumps(s))'
  rm -rf "$out"
}

# Short commands' latency on the control socket while long ones run: round trips from one warm
# client JVM (scripts/ControlLatency.java), idle, then beside two 10-minute profiles (CLI) and
# repeated heap dumps (the long ones must still be running at the end, else the run is void).
control() {
  [[ -f "$jar" && -f sample-app/target/sample-app.jar ]] || mvn -B -q -ntp package -DskipTests
  local n=${N:-200} dir; dir=$(mktemp -d)
  export FORGE_PERF_DIR="$dir/sockets"
  echo "sample-app --threads 2 (-Xmx512m), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
  start_sample_app "-Xmx512m -javaagent:$jar" --threads 2
  local pids=() socket="$FORGE_PERF_DIR/$app_pid.sock"
  trap 'kill "${pids[@]}" $app_pid 2>/dev/null; rm -rf "$dir" "$app_log"' RETURN
  for _ in $(seq 1 200); do [[ -S $socket ]] && break; sleep 0.1; done
  local latency="$java scripts/ControlLatency.java $socket $n"
  echo "idle:"
  for c in status timings health; do $latency "$c" "$app_pid" | sed 's/^/  /'; done
  "$java" -jar "$jar" profile cpu "$app_pid" --duration 10m -o "$dir/cpu.pb.gz" >/dev/null 2>&1 & pids+=($!)
  "$java" -jar "$jar" profile wall "$app_pid" --duration 10m -o "$dir/wall.pb.gz" >/dev/null 2>&1 & pids+=($!)
  if [[ ${HEAP_DUMPS:-1} == 1 ]]; then
    ( while :; do "$java" -jar "$jar" dump heap "$app_pid" -o "$dir/h.hprof" >/dev/null 2>&1; rm -f "$dir/h.hprof"; done ) & pids+=($!)
  fi
  for _ in $(seq 1 600); do
    [[ $("$java" -jar "$jar" dump threads "$app_pid" 2>/dev/null | awk -v RS= '/^"forge-perf-control-long/ && /ProfileCommand/' | grep -c '^"') -ge 2 ]] && break
    sleep 0.5
  done
  echo "while two profiles$([[ ${HEAP_DUMPS:-1} == 1 ]] && echo " and heap dumps (one after another)") run:"
  for c in status timings health; do $latency "$c" "$app_pid" | sed 's/^/  /'; done
  kill -0 "${pids[0]}" && kill -0 "${pids[1]}" || { echo "bench.sh: a profile ended early; the run is void" >&2; return 1; }
}

# peers [JMH options]: fetches the peers (Maven Central), runs PeersMain, writes docs/benchmarks.md
peers() {
  build
  local dir=$bench/peers
  mkdir -p "$dir"
  local otel=io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.0
  local arthas=com.taobao.arthas:arthas-packaging:4.1.5:zip:bin
  local ap=tools.profiler:async-profiler:4.6
  for a in "$otel" "$arthas" "$ap"; do
    mvn -B -q -ntp -N dependency:copy -Dartifact="$a" -DoutputDirectory="$dir" >/dev/null \
      || { echo "bench.sh: could not fetch $a from Maven Central" >&2; return 1; }
  done
  if [[ ! -f "$dir/arthas/arthas-boot.jar" ]]; then
    mkdir -p "$dir/arthas"
    (cd "$dir/arthas" && jar xf ../arthas-packaging-4.1.5-bin.zip)
  fi
  local jdk25=()
  [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]] && jdk25=(--jdk25 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
  "$java" -cp "$benchjar" dev.forgeperf.bench.PeersMain --agent "$jar" --otel "$dir/opentelemetry-javaagent-2.33.0.jar" \
    --arthas-home "$dir/arthas" --async-profiler "$dir/async-profiler-4.6.jar" "${jdk25[@]}" \
    --out "$bench/peers-results" --doc "$root/docs/benchmarks.md" --startup-runs "${STARTUP_RUNS:-5}" "$@"
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  timing)
    build
    exec "$java" -cp "$benchjar" dev.forgeperf.bench.TimingMain --agent "$jar" --out "$root/bench/target/jmh" "$@"
    ;;
  timing-instrument)
    build
    exec "$java" -cp "$benchjar" dev.forgeperf.bench.InstrumentBench --agent "$jar" "$@"
    ;;
  profiles)
    profiles "$@"
    ;;
  recording)
    recording
    ;;
  diagnostics)
    diagnostics
    ;;
  control)
    control
    ;;
  peers)
    peers "$@"
    ;;
  -h|--help|help)
    usage
    ;;
  *)
    [[ -n "$cmd" ]] && echo "bench.sh: unknown command '$cmd'" >&2
    usage
    ;;
esac
