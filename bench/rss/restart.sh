#!/usr/bin/env bash
# RSS of Apogee restarted on a store that holds FILL_MIB (977) of 1 KiB messages (issue 18): fill, stop (SIGTERM),
# start again on the same data, read VmRSS after REST_S (20) seconds. Node flags as arguments (the bins' flags:
# --expose-gc --max-semi-space-size=4 --heap-growing-percent=50 with MALLOC_MMAP_THRESHOLD_=131072 in the environment).
set -euo pipefail
cd "$(dirname "$0")/../.."
NS_PORT=${NS_PORT:-29876}; BROKER_PORT=${BROKER_PORT:-30911}
dir=$(mktemp -d /tmp/apogee-rss-restart.XXXXXX)
printf 'flushDiskType=ASYNC_FLUSH\nautoCreateTopicEnable=true\n' > "$dir/broker.conf"
pid=""
trap '[ -n "$pid" ] && { kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; }; rm -rf "$dir"' EXIT
up() {
  APOGEE_LOG_LEVEL=warn node "$@" dist/lib/bin/apogee.js start --dataDir "$dir/data" --namesrvPort "$NS_PORT" --brokerPort "$BROKER_PORT" \
    --grpcPort 0 --brokerConfig "$dir/broker.conf" >> "$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do node dist/lib/bin/apogee.js health -n "127.0.0.1:$NS_PORT" -b "127.0.0.1:$BROKER_PORT" >/dev/null 2>&1 && return; sleep 0.5; done
}
up "$@"
node dist/bench/loadgen.js fill --namesrv "127.0.0.1:$NS_PORT" --topic RssTopic --size 1024 --mib "${FILL_MIB:-977}" --batch 32 --concurrency 8 | grep '^RESULT'
kill $pid; wait $pid || true
up "$@"
sleep "${REST_S:-20}"
echo "ROW restarted on $(du -sm "$dir/data/store" | cut -f1) MiB of store | RSS after ${REST_S:-20} s $(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$pid/status) MiB | VmHWM $(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$pid/status) MiB"
