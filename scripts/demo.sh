#!/usr/bin/env bash
# The README's main job on a fresh clone: build if needed, start sample-app with the agent, and
# show what forge-perf answers about it. Cleans up the processes it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
jar="$root/agent/target/forge-perf.jar"
app="$root/sample-app/target/sample-app.jar"
fp="$root/scripts/forge-perf"

if [[ ! -f "$jar" || ! -f "$app" || -n "$(find agent/src sample-app/src -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
  echo "== building (mvn -B -q -ntp package -DskipTests)"
  mvn -B -q -ntp package -DskipTests
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/forge-perf-demo.XXXXXX")"
log="$out/sample-app.log"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

echo "== starting sample-app with -javaagent:$jar"
java -Xmx512m -javaagent:"$jar"='timed=dev.forgeperf.sample.*Service#*,http=0' -jar "$app" --duration 120 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q "sample-app ready" "$log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "sample-app exited early:"; cat "$log"; exit 1; }
  sleep 0.1
done
grep -q "sample-app ready" "$log" || { echo "sample-app did not become ready:"; cat "$log"; exit 1; }
echo "   $(grep 'sample-app ready' "$log")"

echo; echo "== forge-perf list"
"$fp" list
echo; echo "== forge-perf status $pid"
"$fp" status "$pid"

echo; echo "== forge-perf instrument $pid 'PriceCalculator#computePrice'   (at runtime)"
"$fp" instrument "$pid" 'PriceCalculator#computePrice'
sleep 3
echo; echo "== forge-perf timings $pid --sort p99"
"$fp" timings "$pid" --sort p99
url="$(sed -n 's/.*HTTP on \(http:[^ ]*\).*/\1/p' "$log" | head -1)"
if [[ -n "$url" ]]; then
  echo; echo "== HTTP (http=0 took a free port): dashboard $url"
  if command -v curl >/dev/null; then
    echo "   curl -s ${url}metrics | grep -E '^(forgeperf_method_duration_seconds_count|jvm_threads_current)'   (Prometheus)"
    curl -s "${url}metrics" | grep -E '^(forgeperf_method_duration_seconds_count|jvm_threads_current)' | head -4 || true
    echo "   curl ${url}health -> HTTP $(curl -s -o /dev/null -w '%{http_code}' "${url}health")"
  fi
  echo "   go tool pprof -top ${url}debug/pprof/profile?seconds=5   reads a live CPU profile"
fi

echo; echo "== forge-perf uninstrument $pid --all   (original bytecode restored)"
"$fp" uninstrument "$pid" --all

echo; echo "== forge-perf profile cpu $pid -d 5s -n 8"
"$fp" profile cpu "$pid" -d 5s -n 8

echo; echo "== forge-perf profile wall $pid -d 3s -n 8   (where the threads spend their time, running or waiting)"
"$fp" profile wall "$pid" -d 3s -n 8

echo; echo "== forge-perf health $pid"
"$fp" health "$pid" || true

echo; echo "== forge-perf snapshot $pid -o $out/snapshot"
"$fp" snapshot "$pid" -o "$out/snapshot"

echo; echo "demo done; the snapshot is in $out/snapshot"
if [[ -f "$out/snapshot/report.html" ]]; then echo "open $out/snapshot/report.html in a browser for the report"; fi
echo "sample-app's output: $log"
