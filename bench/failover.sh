#!/usr/bin/env bash
# Time from outage start to the active backend switching, at the default
# settings (interval 10s, suspect 1s, fail_after 3, adaptive timeout), for a
# primary that refuses connections, answers 503, or hangs. Real probes and
# real HTTP against fake providers on an in-memory network inside a
# testing/synctest bubble: the times are simulated, hence exact and
# independent of machine load. TRIALS outages per mode, each at a random
# phase of the probe interval.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${TRIALS:-1001}
go test -run '^TestTimeToFailover$' -count=1 -v ./monitor -args -outage-trials="$trials" | grep -E 'outages=|^(ok|FAIL|---)'
