#!/usr/bin/env bash
# Peak RSS of Apogee under lib/client load (issue 18). One round:
#   bench/rss/run.sh <label> [extra node flags...]
# Starts `node [flags] dist/lib/bin/apogee.js start` (FLUSH: ASYNC_FLUSH unless set, autoCreateTopicEnable; own ports and data dir so
# it can run beside other servers), runs `loadgen send --concurrency 64 --size 1024 --warmup 2 --seconds 20`, reads
# VmHWM / VmRSS from /proc/<pid>/status, stops the server. With PROBE=1 the server preloads bench/rss/probe.cjs
# (heap spaces, anon vs file RSS at the peak). Env: NS_PORT (29876), BROKER_PORT (30911), RUN_SECONDS (20),
# GRPC_PORT (0: off; the bench harness leaves the default 8081 on), BROKER_CONF_EXTRA (lines appended to broker.conf), MODE=send|fill (fill: FILL_MIB of 1 KiB bodies, batch 32, then
# waits REST_S seconds (30) and reads VmRSS at rest; SMAPS_OUT=file keeps /proc/<pid>/smaps then), FLUSH (flushDiskType),
# LOG_LEVEL (the server's, default warn), SERVER_LOG_OUT=file (keeps the server's log).
set -euo pipefail
cd "$(dirname "$0")/../.."
label=$1; shift
NS_PORT=${NS_PORT:-29876}; BROKER_PORT=${BROKER_PORT:-30911}; RUN_SECONDS=${RUN_SECONDS:-20}; MODE=${MODE:-send}
dir=$(mktemp -d /tmp/apogee-rss.XXXXXX)
printf 'flushDiskType=%s\nautoCreateTopicEnable=true\n%b\n' "${FLUSH:-ASYNC_FLUSH}" "${BROKER_CONF_EXTRA:-}" > "$dir/broker.conf"
pre=(); [ "${PROBE:-0}" = 1 ] && pre=(-r ./bench/rss/probe.cjs)
MEM_PROBE_OUT="$dir/probe.json" APOGEE_LOG_LEVEL=${LOG_LEVEL:-warn} node "$@" "${pre[@]}" dist/lib/bin/apogee.js start --dataDir "$dir/data" \
  --namesrvPort "$NS_PORT" --brokerPort "$BROKER_PORT" --grpcPort "${GRPC_PORT:-0}" --brokerConfig "$dir/broker.conf" > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q 'Apogee .*NameServer' "$dir/server.log" 2>/dev/null && break; sleep 0.2; done
for _ in $(seq 1 60); do node dist/lib/bin/apogee.js health -n "127.0.0.1:$NS_PORT" -b "127.0.0.1:$BROKER_PORT" >/dev/null 2>&1 && break; sleep 0.5; done
rest=""
if [ "$MODE" = fill ]; then
  r=$(node dist/bench/loadgen.js fill --namesrv "127.0.0.1:$NS_PORT" --topic RssTopic --size 1024 --mib "${FILL_MIB:-977}" --batch 32 --concurrency 8 | grep '^RESULT' || true)
  sleep "${REST_S:-30}"
  rest=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$pid/status)
  [ -n "${SMAPS_OUT:-}" ] && cp /proc/$pid/smaps "$SMAPS_OUT"
  rate=$(echo "$r" | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8").slice(7)); console.log(r.msgs+" msgs in "+r.ms+" ms")')
else
  r=$(node dist/bench/loadgen.js send --namesrv "127.0.0.1:$NS_PORT" --topic RssTopic --size 1024 --concurrency 64 --warmup 2 --seconds "$RUN_SECONDS" | grep '^RESULT' || true)
  rate=$(echo "$r" | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8").slice(7)); console.log(Math.round(r.msgsPerSec)+" msg/s, errors "+r.errors)')
fi
hwm=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$pid/status)
rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$pid/status)
echo "ROW $label | peak ${hwm} MiB | end ${rss} MiB | ${rest:+rest ${rest} MiB | }$rate | load $(cut -d' ' -f1 /proc/loadavg)"
if [ "${PROBE:-0}" = 1 ]; then sleep 0.5; cp "$dir/probe.json" "/tmp/rss-probe-$label.json"; fi
if [ -n "${SERVER_LOG_OUT:-}" ]; then cp "$dir/server.log" "$SERVER_LOG_OUT"; fi
