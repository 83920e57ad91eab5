#!/usr/bin/env bash
# Benchmark of the Setup URL. The same wrk load goes straight at a local Oneflow stand-in (the baseline) and at
# POST /oneflow/setup of the built jar, which calls that stand-in and upserts the account into H2.
# Rounds alternate baseline and bridge; the table shows the medians of the rounds.
#   bash bench/setup-bench.sh [connections=16] [seconds-per-round=10] [rounds=3]
# Needs wrk (apt-get install wrk). Everything listens on 127.0.0.1 only.
cd "$(dirname "$0")/.."
source bench/lib.sh
connections=${1:-16}
seconds=${2:-10}
rounds=${3:-3}
threads=$(( connections < 2 ? 1 : 2 ))
stand_in_port=$(free_port)
bridge_port=$(free_port)

background java bench/OneflowStandIn.java "$stand_in_port"

until curl -sf -o /dev/null -H "x-oneflow-api-token: bench-0000000000000000000000000000000001" \
  "http://127.0.0.1:$stand_in_port/v1/accounts/me"; do sleep 0.1; done

started=$(date +%s%N)
(cd "$work" && exec env ONEFLOW_API_URL="http://127.0.0.1:$stand_in_port" CAMEL_SERVER_PORT="$bridge_port" \
  CAMEL_MANAGEMENT_PORT="$(free_port)" DB_URL="jdbc:h2:file:$work/bench" \
  java -jar "$OLDPWD/target/oneflow-oneio-bridge.jar" > "$work/bridge.log" 2>&1) & bridge_pid=$!; pids+=($bridge_pid)
until curl -sf -o /dev/null "http://127.0.0.1:$bridge_port/oneflow/connect"; do sleep 0.02; done
startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
sleep 5
jvm_pid=$(pgrep -f "java -jar .*oneflow-oneio-bridge.jar" | head -1)
idle_rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/"$jvm_pid"/status) / 1024 ))

baseline=(wrk -t"$threads" -c"$connections" --latency -s bench/accounts-me.lua "http://127.0.0.1:$stand_in_port")
bridge=(wrk -t"$threads" -c"$connections" --latency -s bench/setup-enable.lua "http://127.0.0.1:$bridge_port")
"${baseline[@]}" -d5s > /dev/null
"${bridge[@]}" -d5s > /dev/null

# One line per run: requests/s, p50 ms, p99 ms, non-2xx responses.
summarize() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    / 50% / { p50 = ms($2) } / 99% / { p99 = ms($2) } /Requests\/sec/ { rps = $2 } /Non-2xx/ { errors = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }'
}
: > "$work/baseline.txt"; : > "$work/bridge.txt"
for _ in $(seq "$rounds"); do
  "${baseline[@]}" -d"${seconds}s" | summarize >> "$work/baseline.txt"
  "${bridge[@]}" -d"${seconds}s" | summarize >> "$work/bridge.txt"
done
loaded_rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/"$jvm_pid"/status) / 1024 ))

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { awk -v c="$2" '{ print $c }' "$1" | median; }
b_rps=$(column_median "$work/baseline.txt" 1); b_p50=$(column_median "$work/baseline.txt" 2); b_p99=$(column_median "$work/baseline.txt" 3)
s_rps=$(column_median "$work/bridge.txt" 1); s_p50=$(column_median "$work/bridge.txt" 2); s_p99=$(column_median "$work/bridge.txt" 3)
b_err=$(awk '{ s += $4 } END { print s + 0 }' "$work/baseline.txt"); s_err=$(awk '{ s += $4 } END { print s + 0 }' "$work/bridge.txt")

echo "wrk -t$threads -c$connections, $rounds rounds of ${seconds}s each, medians of the rounds; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "| load | req/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---:|---:|---:|---:|"
echo "| stand-in directly: GET /v1/accounts/me | $b_rps | $b_p50 | $b_p99 | $b_err |"
echo "| bridge: POST /oneflow/setup enable (calls the stand-in, upserts into H2) | $s_rps | $s_p50 | $s_p99 | $s_err |"
awk -v s="$s_rps" -v b="$b_rps" -v sp="$s_p50" -v bp="$b_p50" \
  'BEGIN { printf "throughput ratio bridge/stand-in: %.3f; p50 added by the route: %.2f ms\n", s / b, sp - bp }'
echo "startup to serving: ${startup_ms} ms; resident memory: ${idle_rss_mb} MB idle after start, ${loaded_rss_mb} MB after the load"
echo "per-round figures: $work/baseline.txt $work/bridge.txt"
