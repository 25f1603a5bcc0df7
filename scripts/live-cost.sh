#!/bin/sh
# What sampling live objects (jdk.OldObjectSample with stacks, as forge-perf's continuous recording
# does) costs an allocating workload, on each JDK: ROUNDS rounds of the three settings interleaved,
# SECONDS measured per run (after as long a warm-up). Prints the medians of the process's CPU
# time per allocation (ns) and of the allocations per second.
set -eu
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
dir=$(cd "$(dirname "$0")" && pwd)
for jdk in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -x "$jdk/bin/java" ] || continue
    out=$(mktemp)
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        for mode in off nostack stack; do
            "$jdk/bin/java" -Xmx512m "$dir/LiveObjectCost.java" $mode "$SECONDS_PER_RUN" >>"$out"
        done
        i=$((i + 1))
    done
    echo "$(basename "$jdk"):"
    for mode in off nostack stack; do
        cpu=$(grep "^$mode " "$out" | awk '{print $2}' | sort -n | awk '{v[NR]=$1} END {printf "%.1f ns CPU/allocation (min %.1f, max %.1f)", v[int((NR+1)/2)], v[1], v[NR]}')
        rate=$(grep "^$mode " "$out" | awk '{print $3}' | sort -n | awk '{v[NR]=$1} END {printf "%.0f allocations/s (%d runs)", v[int((NR+1)/2)], NR}')
        echo "  $mode: median $cpu, $rate"
    done
    rm -f "$out"
done
