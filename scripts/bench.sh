#!/usr/bin/env bash
# Benchmarks against the real agent jar (see README "Benchmarks"). The bench/ module is built
# only here (mvn -Pbench), never by the default `mvn verify`.
#
#   scripts/bench.sh timing [JMH options]      exact/sampled timing cost, JMH with -prof gc
#   scripts/bench.sh timing-instrument [--classes N] [--cycles N]
#                                              instrument 1,000 classes via the CLI; metaspace
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
jar="$root/agent/target/forge-perf.jar"
benchjar="$root/bench/target/benchmarks.jar"
java="${JAVA:-java}"

usage() {
  cat >&2 <<'USAGE'
usage: scripts/bench.sh COMMAND [ARGS]
  timing [JMH options]                   cost of a timed call (exact, 2 threads, sampled) vs two
                                         System.nanoTime() reads, with -prof gc; e.g. `-f 1 -i 2`
                                         for a quick look, `-jvm /usr/lib/jvm/X/bin/java` for another JDK
  timing-instrument [--classes N] [--cycles N]
                                         wall time of `forge-perf instrument PID 'gen.**#*' --force`
                                         on 1,000 loaded classes, metaspace after 20 cycles
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
  -h|--help|help)
    usage
    ;;
  *)
    [[ -n "$cmd" ]] && echo "bench.sh: unknown command '$cmd'" >&2
    usage
    ;;
esac
