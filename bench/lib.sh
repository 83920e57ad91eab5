# Shared by the benchmark scripts: run from the project root after `source bench/lib.sh`.
# Builds the runnable jar, makes a work folder and stops every background process started with `background`. The work
# folder keeps the logs; its H2 database files go at the end: one run of oneio-bench.sh on H2 left 4 GB or more (the
# (a0) instance's file alone was 3,576,324,096 and 4,377,616,384 bytes in two probes), and a few runs filled the disk.
set -euo pipefail
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
# The bundle runs as in production: token keys and a sender API key, made up for this run only.
export BENCH_API_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export SECURITY_TOKEN_KEYS="bench:$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export SECURITY_API_KEYS="bench:$BENCH_API_KEY"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$work"/*.mv.db "$work"/*.trace.db' EXIT
background() { "$@" & pids+=($!); }
# The median of the numbers on stdin, one per line; column_median FILE N: that of FILE's Nth column.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { awk -v c="$2" '{ print $c }' "$1" | median; }
# An awk function for wrk's latencies ("812.00us", "3.27ms", "1.02s"): ms("3.27ms") is 3.27.
wrk_ms_awk='function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }'

mvn -q -B package -DskipTests
