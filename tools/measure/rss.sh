#!/usr/bin/env bash
# RSS of a separate `mm-bot run` process against `mm-bot paper --exchange-only` (taker on, orders in PostgreSQL),
# sampled from /proc every INTERVAL seconds for MINUTES minutes. Prints every sample and then:
#   steady median (MB) over the samples after WARMUP minutes, and the least-squares slope (MB/h) over them.
# Usage: MM_TEST_DATABASE_URL="Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres" \
#        tools/measure/rss.sh [MINUTES=35] [INTERVAL=10] [WARMUP=5]
# Needs a Release build: dotnet build Shell -c Release. Talks only to 127.0.0.1.
set -euo pipefail
MINUTES=${1:-35}
INTERVAL=${2:-10}
WARMUP=${3:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${MM_BOT_BIN:-"$ROOT/Shell/bin/Release/net10.0/mm-bot"}  # a copy keeps a long run safe from rebuilds
ADMIN_URL=${MM_TEST_DATABASE_URL:?set MM_TEST_DATABASE_URL (an Npgsql connection string to a throwaway server)}
DB="mm_rss_$$"
EX_PORT=${RSS_EXCHANGE_PORT:-18481}
METRICS_PORT=${RSS_METRICS_PORT:-18480}
WORK=$(mktemp -d)
host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$ADMIN_URL"); port=$(sed -E 's/.*Port=([^;]+).*/\1/' <<<"$ADMIN_URL")
user=$(sed -E 's/.*Username=([^;]+).*/\1/' <<<"$ADMIN_URL")
psql -q -h "$host" -p "$port" -U "$user" -d postgres -c "CREATE DATABASE $DB" >/dev/null
DB_URL="postgres://$user@$host:$port/$DB"
cleanup() {
  [[ -n "${BOT:-}" ]] && kill "$BOT" 2>/dev/null && wait "$BOT" 2>/dev/null || true
  [[ -n "${EX:-}" ]] && kill "$EX" 2>/dev/null && wait "$EX" 2>/dev/null || true
  psql -q -h "$host" -p "$port" -U "$user" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN" paper --exchange-only --port "$EX_PORT" --seed 7 --database-url "$DB_URL" >"$WORK/exchange.log" 2>&1 &
EX=$!
for _ in $(seq 1 300); do grep -q "exchange only:" "$WORK/exchange.log" && break; sleep 0.1; done
env -i PATH="$PATH" HOME="$WORK" \
  MM_API_BASE_URL="http://127.0.0.1:$EX_PORT" MM_RPC_URL="http://127.0.0.1:$EX_PORT/rpc" \
  MM_DATABASE_URL="$DB_URL" MM_SUBACCOUNT_ID=10 MM_MARKET_SYMBOL=USDCcNGN-SPOT \
  MM_OWNER_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318 \
  MM_STATE_FILE="$WORK/state.json" MM_METRICS_ADDR="127.0.0.1:$METRICS_PORT" MM_POLL_INTERVAL_MS=1000 \
  MM_STALE_MARKET_DATA_TIMEOUT_SECONDS=15 MM_STALE_BALANCE_TIMEOUT_SECONDS=15 MM_LOG_LEVEL=WARN \
  ${RSS_EXTRA_ENV:-} "$BIN" run >"$WORK/bot.log" 2>&1 &
BOT=$!
samples=$(( MINUTES * 60 / INTERVAL ))
echo "# t_seconds rss_mb (pid $BOT, every $INTERVAL s for $MINUTES min)"
start=$(date +%s)
: >"$WORK/samples"
for i in $(seq 0 "$samples"); do
  [[ -r /proc/$BOT/status ]] || { echo "mm-bot run exited early:"; tail -20 "$WORK/bot.log"; exit 1; }
  rss_kb=$(awk '/^VmRSS:/ {print $2}' /proc/$BOT/status)
  t=$(( $(date +%s) - start ))
  printf '%d %.1f\n' "$t" "$(awk -v k="$rss_kb" 'BEGIN{print k/1024}')" | tee -a "$WORK/samples"
  [[ $i -lt $samples ]] && sleep "$INTERVAL"
done
echo "# bot placements: $(curl -s "127.0.0.1:$METRICS_PORT/metrics" | awk '/^mm_bot_order_placements_total/ {print $2}') fills: $(curl -s "127.0.0.1:$METRICS_PORT/metrics" | awk '/^mm_bot_fills_total\{side="buy"\}/ {b=$2} /^mm_bot_fills_total\{side="sell"\}/ {s=$2} END {print b+s}')"
w=$(( WARMUP * 60 ))
med=$(awk -v w=$w '$1 >= w {print $2}' "$WORK/samples" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
awk -v w=$w -v med="$med" '
  $1 >= w { n++; t[n]=$1/3600; r[n]=$2; st+=t[n]; sr+=r[n]; if (n==1 || $2<lo) lo=$2; if (n==1 || $2>hi) hi=$2 }
  END {
    if (n < 2) { print "too few samples after warm-up"; exit 1 }
    mt=st/n; mr=sr/n; for (i=1;i<=n;i++) { num+=(t[i]-mt)*(r[i]-mr); den+=(t[i]-mt)^2 }
    printf "steady (after %d min, %d samples): median %.1f MB, min %.1f, max %.1f, slope %+.2f MB/h\n", w/60, n, med, lo, hi, num/den
  }' "$WORK/samples"
