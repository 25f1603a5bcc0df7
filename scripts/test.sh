#!/usr/bin/env bash
# The README's test command: installs the tools the end-to-end tests read outputs with (when
# missing), then builds everything and runs unit and end-to-end tests (`mvn -B verify`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v runuser >/dev/null || need+=(util-linux)
command -v mvn >/dev/null || need+=(maven)
command -v go >/dev/null || need+=(golang-go)   # go tool pprof reads the pprof files back
command -v chromium >/dev/null || need+=(chromium)   # headless Chromium renders the HTML reports and the dashboard
lean=()   # installed without recommends
command -v promtool >/dev/null || lean+=(prometheus)   # promtool checks /metrics (the prometheus server itself is not started)
if ((${#need[@]} + ${#lean[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq || echo "test.sh: apt-get update failed; trying to install anyway" >&2
    if ((${#need[@]})); then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    if ((${#lean[@]})); then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
    fi
  else
    echo "test.sh: missing ${need[*]} ${lean[*]}; install them (apt-get install ${need[*]} ${lean[*]}) or run as root" >&2
    exit 1
  fi
fi

echo "JDKs the end-to-end tests run targets on:"
for j in /usr/lib/jvm/*/bin/java; do echo "  $j"; done
exec mvn -B -ntp verify "$@"
