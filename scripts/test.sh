#!/usr/bin/env bash
# The README's test command: installs the tools the end-to-end tests read outputs with (when
# missing), then builds everything and runs unit and end-to-end tests (`mvn -B verify`), and ends
# with one runner line CI can read:
#   forge-perf tests: PASS|FAIL T run, F failed, E errors, S skipped in N s (mvn exit X)
# FORGE_PERF_SATURATE=1 runs the suite beside `stress-ng --cpu 0` (every core busy), as the
# suite must stay green on a loaded machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v runuser >/dev/null || need+=(util-linux)
command -v mvn >/dev/null || need+=(maven)
command -v go >/dev/null || need+=(golang-go)   # go tool pprof reads the pprof files back
command -v chromium >/dev/null || need+=(chromium)   # headless Chromium renders the HTML reports and the dashboard
command -v chromedriver >/dev/null || need+=(chromium-driver)   # Selenium drives the dashboard in Chromium (DashboardBrowserTest)
lean=()   # installed without recommends
{ command -v promtool && command -v prometheus; } >/dev/null || lean+=(prometheus)   # promtool checks /metrics; FleetPrometheusTest starts the prometheus server on loopback
command -v stress-ng >/dev/null || lean+=(stress-ng)   # keeps every core busy for FORGE_PERF_SATURATE=1
if ((${#need[@]} + ${#lean[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq || echo "test.sh: apt-get update failed; trying to install anyway" >&2
    if ((${#need[@]})); then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    if ((${#lean[@]})); then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null \
        || echo "test.sh: could not install ${lean[*]}" >&2
    fi
  else
    echo "test.sh: missing ${need[*]} ${lean[*]}; install them (apt-get install ${need[*]} ${lean[*]}) or run as root" >&2
    exit 1
  fi
fi
command -v promtool >/dev/null || { echo "test.sh: promtool is missing (apt-get install --no-install-recommends prometheus)" >&2; exit 1; }
command -v prometheus >/dev/null || { echo "test.sh: the prometheus server is missing (apt-get install --no-install-recommends prometheus)" >&2; exit 1; }

echo "JDKs the end-to-end tests run targets on:"
for j in /usr/lib/jvm/*/bin/java; do echo "  $j"; done

stress=""
if [[ "${FORGE_PERF_SATURATE:-0}" == 1 ]]; then
  command -v stress-ng >/dev/null || { echo "test.sh: FORGE_PERF_SATURATE=1 needs stress-ng (apt-get install stress-ng)" >&2; exit 1; }
  stress-ng --cpu 0 --timeout 2h --quiet &
  stress=$!
  trap 'kill "$stress" 2>/dev/null || true' EXIT
  echo "test.sh: every core kept busy by stress-ng (pid $stress)"
fi

marker=$(mktemp)
trap 'rm -f "$marker"; [[ -n "$stress" ]] && kill "$stress" 2>/dev/null || true' EXIT
start=$(date +%s)
set +e
mvn -B -ntp verify "$@"
status=$?
set -e
seconds=$(( $(date +%s) - start ))

# one line from this run's surefire reports (older reports, e.g. of classes not run now, are left out)
read -r tests failures errors skipped < <(find agent/target/surefire-reports agent-tests/target/surefire-reports -name 'TEST-*.xml' \
    -newer "$marker" 2>/dev/null | xargs -r grep -ho '<testsuite [^>]*>' \
  | awk '{ for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) { gsub(/[">]/, "", kv[2]); v[kv[1]] += kv[2] } }
         END { printf "%d %d %d %d\n", v["tests"], v["failures"], v["errors"], v["skipped"] }')
verdict=PASS
if [[ $status -ne 0 || $failures -ne 0 || $errors -ne 0 ]]; then
  verdict=FAIL
fi
echo "forge-perf tests: $verdict $tests run, $failures failed, $errors errors, $skipped skipped in $seconds s (mvn exit $status)"
exit "$status"
