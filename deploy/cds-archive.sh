#!/usr/bin/env bash
# Builds an AppCDS archive of the runnable jar: one training run of the bundle records the classes it loads until it
# serves, then stops with SIGTERM and the JVM writes them to the archive. A later
# `java @jvm.options -XX:SharedArchiveFile=<archive> -jar <jar>` maps them instead of reading, parsing and verifying
# them again from the jar. Run by deploy/Dockerfile at image build and by bench/setup-bench.sh in every run.
#   bash deploy/cds-archive.sh <jar> <archive> <jvm.options>
# The archive is only valid for that jar file (path, size, modification time) and that JVM: build it again after
# either changes (the JVM ignores a stale archive and starts without it). Needs bash only (no curl).
set -euo pipefail
jar=$1
archive=$2
options=$3
http_port=${CDS_TRAINING_HTTP_PORT:-8080}
management_port=${CDS_TRAINING_MANAGEMENT_PORT:-8081}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A throwaway H2 database and made-up keys: the run serves nothing to anyone and calls out to nothing.
(cd "$work" && exec env -i PATH="$PATH" HOME="$work" \
  CAMEL_SERVER_PORT="$http_port" CAMEL_MANAGEMENT_PORT="$management_port" DB_URL="jdbc:h2:file:$work/training" \
  SECURITY_TOKEN_KEYS="training:$(head -c 32 /dev/urandom | base64)" \
  SECURITY_API_KEYS="training:$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  java "@$options" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" > "$work/training.log" 2>&1) &
pid=$!

# GET over bash's /dev/tcp; true once the answer's status line is 200.
answers_200() {
  local status
  exec 3<> "/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  IFS= read -r -t 5 status <&3 || status=
  exec 3>&-
  [[ $status == "HTTP/1."?" 200"* ]]
}
for _ in $(seq 1200); do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$work/training.log" >&2; echo "cds-archive: the training run ended before serving" >&2; exit 1
  fi
  answers_200 "$http_port" /oneflow/connect 2>/dev/null && break
  sleep 0.1
done
# The first requests load their classes too: the connect page, an API-key refusal, health and metrics.
answers_200 "$http_port" /oneflow/connect
answers_200 "$http_port" /oneio/messages/00000000-0000-0000-0000-000000000000 || true
answers_200 "$management_port" /observe/health/ready
answers_200 "$management_port" /observe/metrics
kill -TERM "$pid"
wait "$pid" || true
if [[ ! -s $archive ]]; then
  cat "$work/training.log" >&2; echo "cds-archive: no archive written to $archive" >&2; exit 1
fi
echo "cds-archive: $archive ($(( $(wc -c < "$archive") / 1048576 )) MB)"
