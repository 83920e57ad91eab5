# Shared by the benchmark scripts: run from the project root after `source bench/lib.sh`.
# Builds the runnable jar, makes a work folder and stops every background process started with `background`.
set -euo pipefail
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
background() { "$@" & pids+=($!); }

mvn -q -B package -DskipTests
