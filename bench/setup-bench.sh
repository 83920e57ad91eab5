#!/usr/bin/env bash
# Benchmark of the Setup URL. The same wrk load goes straight at a local Oneflow stand-in (the baseline) and at
# POST /oneflow/setup of the built jar, which calls that stand-in and upserts the account into H2.
# Rounds alternate baseline, bridge and a ceiling: the same load at GET /oneflow/connect of the bridge, a route that
# returns a constant page, i.e. what the HTTP server and Camel's routing alone allow on this machine.
# The table shows the medians of the rounds.
#   bash bench/setup-bench.sh [connections=16] [seconds-per-round=10] [rounds=3] [warmup-seconds=30]
# Before the rounds, WARMUP seconds of enables (which also call the stand-in): on 2 cores the JIT compiler is still
# busy a minute after the start, and rounds right after the start measured the compiler as much as the bundle.
# BENCH_JAR=path runs that jar instead of the one built here: to compare two commits, build each jar once and run
# the script for one, then the other, then again.
# Needs wrk (apt-get install wrk). Everything listens on 127.0.0.1 only.
#
# The bundle runs as the image runs it: production_jvm_flags below are deploy/Dockerfile's ENTRYPOINT flags (the
# options file deploy/jvm.options and an AppCDS archive that deploy/cds-archive.sh builds in this run from this jar),
# plus -XX:MaxRAM=768m in place of the pods' memory limit (deploy/kubernetes/deployment.yaml, Camel K: 768Mi), which
# the JVM reads from its container and sizes its heap from. Startup and idle memory are also measured once for plain
# `java -jar` (no flags, no archive, the host's 24 GiB), a second line; the load runs against the first only.
cd "$(dirname "$0")/.."
source bench/lib.sh
connections=${1:-16}
seconds=${2:-10}
rounds=${3:-3}
warmup=${4:-30}
threads=$(( connections < 2 ? 1 : 2 ))
stand_in_port=$(free_port)
bridge_port=$(free_port)

background java bench/OneflowStandIn.java "$stand_in_port"

until curl -sf -o /dev/null -H "x-oneflow-api-token: bench-0000000000000000000000000000000001" \
  "http://127.0.0.1:$stand_in_port/v1/accounts/me"; do sleep 0.1; done

jar=$(realpath "${BENCH_JAR:-target/oneflow-oneio-bridge.jar}")
CDS_TRAINING_HTTP_PORT=$(free_port) CDS_TRAINING_MANAGEMENT_PORT=$(free_port) \
  bash deploy/cds-archive.sh "$jar" "$work/bridge.jsa" "$PWD/deploy/jvm.options"
production_jvm_flags=("@$PWD/deploy/jvm.options" "-XX:SharedArchiveFile=$work/bridge.jsa" -XX:MaxRAM=768m)

# start_bridge <name> <port> [jvm flags...]: starts the jar (bridge_pid: the JVM), returns once it serves
# (startup_ms: from the launch) and 5 s later reads its resident memory (idle_rss_mb).
start_bridge() {
  local name=$1 port=$2; shift 2
  local started; started=$(date +%s%N)
  (cd "$work" && exec env ONEFLOW_API_URL="http://127.0.0.1:$stand_in_port" CAMEL_SERVER_PORT="$port" \
    CAMEL_MANAGEMENT_PORT="$(free_port)" DB_URL="jdbc:h2:file:$work/$name" \
    java "$@" -jar "$jar" > "$work/$name.log" 2>&1) & bridge_pid=$!; pids+=($bridge_pid)
  until curl -sf -o /dev/null "http://127.0.0.1:$port/oneflow/connect"; do
    kill -0 "$bridge_pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.02
  done
  startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  sleep 5
  idle_rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/"$bridge_pid"/status) / 1024 ))
}

start_bridge plain "$(free_port)"
plain_startup_ms=$startup_ms; plain_idle_rss_mb=$idle_rss_mb
kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true

start_bridge bridge "$bridge_port" "${production_jvm_flags[@]}"
jvm_pid=$bridge_pid

baseline=(wrk -t"$threads" -c"$connections" --latency -s bench/accounts-me.lua "http://127.0.0.1:$stand_in_port")
bridge=(wrk -t"$threads" -c"$connections" --latency -s bench/setup-enable.lua "http://127.0.0.1:$bridge_port")
ceiling=(wrk -t"$threads" -c"$connections" --latency "http://127.0.0.1:$bridge_port/oneflow/connect")
"${baseline[@]}" -d5s > /dev/null
"${ceiling[@]}" -d5s > /dev/null
"${bridge[@]}" -d"${warmup}s" > /dev/null

# One line per run: requests/s, p50 ms, p99 ms, non-2xx responses.
summarize() {
  awk "$wrk_ms_awk"'
    / 50% / { p50 = ms($2) } / 99% / { p99 = ms($2) } /Requests\/sec/ { rps = $2 } /Non-2xx/ { errors = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }'
}
: > "$work/baseline.txt"; : > "$work/bridge.txt"; : > "$work/ceiling.txt"
for _ in $(seq "$rounds"); do
  "${baseline[@]}" -d"${seconds}s" | summarize >> "$work/baseline.txt"
  "${bridge[@]}" -d"${seconds}s" | summarize >> "$work/bridge.txt"
  "${ceiling[@]}" -d"${seconds}s" | summarize >> "$work/ceiling.txt"
done
loaded_rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/"$jvm_pid"/status) / 1024 ))

b_rps=$(column_median "$work/baseline.txt" 1); b_p50=$(column_median "$work/baseline.txt" 2); b_p99=$(column_median "$work/baseline.txt" 3)
s_rps=$(column_median "$work/bridge.txt" 1); s_p50=$(column_median "$work/bridge.txt" 2); s_p99=$(column_median "$work/bridge.txt" 3)
c_rps=$(column_median "$work/ceiling.txt" 1); c_p50=$(column_median "$work/ceiling.txt" 2); c_p99=$(column_median "$work/ceiling.txt" 3)
c_err=$(awk '{ s += $4 } END { print s + 0 }' "$work/ceiling.txt")
b_err=$(awk '{ s += $4 } END { print s + 0 }' "$work/baseline.txt"); s_err=$(awk '{ s += $4 } END { print s + 0 }' "$work/bridge.txt")

echo "wrk -t$threads -c$connections, $rounds rounds of ${seconds}s each after ${warmup}s of warm-up, medians of the rounds; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "| load | req/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---:|---:|---:|---:|"
echo "| stand-in directly: GET /v1/accounts/me | $b_rps | $b_p50 | $b_p99 | $b_err |"
echo "| bridge: POST /oneflow/setup enable (calls the stand-in, upserts into H2) | $s_rps | $s_p50 | $s_p99 | $s_err |"
echo "| ceiling: bridge GET /oneflow/connect (constant page) | $c_rps | $c_p50 | $c_p99 | $c_err |"
awk -v s="$s_rps" -v b="$b_rps" -v c="$c_rps" -v sp="$s_p50" -v bp="$b_p50" \
  'BEGIN { printf "throughput ratio bridge/stand-in: %.3f (ceiling/stand-in: %.3f); p50 added by the route: %.2f ms\n", s / b, c / b, sp - bp }'
echo "startup to serving: ${startup_ms} ms; resident memory: ${idle_rss_mb} MB idle after start, ${loaded_rss_mb} MB after the load (image's JVM flags: java @deploy/jvm.options -XX:SharedArchiveFile=<built in this run> -XX:MaxRAM=768m -jar)"
echo "startup to serving: ${plain_startup_ms} ms; resident memory: ${plain_idle_rss_mb} MB idle after start (plain java -jar, no load)"
echo "per-round figures: $work/baseline.txt $work/bridge.txt $work/ceiling.txt"
