#!/usr/bin/env bash
# Re-records the paper sessions in snapshots/sessions/ (RecordedSessionTests replays them through the core).
# Run after a change to the core's behaviour or to the recording schema:  bash tools/record/sessions.sh
# Needs a Release build (dotnet build MarketMaker.sln -c Release). Everything runs on 127.0.0.1; about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
BOT=(dotnet Shell/bin/Release/net10.0/mm-bot.dll)
OUT=snapshots/sessions
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

common_env() {
  export MM_POLL_INTERVAL_MS=500 MM_LOG_LEVEL=WARN MM_METRICS_ADDR=127.0.0.1:0 MM_STATE_FILE="$TMP/$1.state.json"
  export MM_RECORD_FILE="$TMP/$1.jsonl" MM_RECORD_MAX_MB=100
}

# run NAME SECONDS PAPER-ARGS...  (runs `mm-bot paper`, then Ctrl-C)
start() {
  local name=$1; shift
  common_env "$name"
  "${BOT[@]}" paper "$@" >"$TMP/$name.log" 2>&1 &
  PID=$!
}
stop() {
  kill -TERM "$PID"; wait "$PID" || true   # SIGINT is ignored by a background job of a script
  cp "$TMP/$1.jsonl" "$OUT/$1.jsonl"
  echo "$1: $(wc -l <"$OUT/$1.jsonl") cycles"
}
wait_http() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# 1. Quiet market: no taker, the bot quotes and nothing trades.
start quiet-market --port "$(free_port)" --no-taker --seed 1101
sleep 30; stop quiet-market

# 2. Fills with inventory skew: the simulated taker trades against the quotes.
start fills-inventory-skew --port "$(free_port)" --seed 1102
sleep 45; stop fills-inventory-skew

# 3. Market-data outage: the book answers 503 for 10 s; the bot halts (stale after 3 s) and recovers.
PORT=$(free_port)
export MM_STALE_MARKET_DATA_TIMEOUT_SECONDS=3
start outage-halt-recovery --port "$PORT" --no-taker --seed 1103
wait_http "http://127.0.0.1:$PORT/healthz"
sleep 10
curl -sf -X POST "http://127.0.0.1:$PORT/admin/faults" -H 'content-type: application/json' -d '{"target":"book","kind":"http_error","status":503}' >/dev/null
sleep 10
curl -sf -X DELETE "http://127.0.0.1:$PORT/admin/faults" >/dev/null
sleep 18; stop outage-halt-recovery
unset MM_STALE_MARKET_DATA_TIMEOUT_SECONDS
