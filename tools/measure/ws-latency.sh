#!/usr/bin/env bash
# Issue 14: fill → replacement latency on `mm-bot paper` with the WebSocket and with polling only, and cycles per
# minute in a quiet market with and without the socket. Prints every figure and the load average.
#
# Usage: tools/measure/ws-latency.sh [FILLS=50] [QUIET_SECONDS=60]
# Needs a Release build (dotnet build Shell -c Release) or MM_BOT_BIN. Talks only to 127.0.0.1.
#
# Fill → replacement: `mm-bot paper` with its simulated taker (MM_ORDER_SIZE=5, so a taker order fills our quote
# whole) and MM_POLL_INTERVAL_MS=2000. The script subscribes to the paper exchange's own /v1/ws (book + trades);
# the latency of one fill is from the moment one of our orders is filled out (its `trades` update as maker and its
# `book` update to order_open 0, whichever arrives last; a partial fill that rests is not a fill-out) to the first
# `book` update that adds a new order of ours on the same side (resting). Both frames travel the same path, so the
# measurement adds no polling error. A fill not followed by a replacement within 10 s is counted, not timed.
# Quiet market: `mm-bot paper --no-taker`, mm_bot_cycle_wakeups_total (all reasons) over QUIET_SECONDS.
set -euo pipefail
FILLS=${1:-50}
QUIET=${2:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export MM_BOT_BIN=${MM_BOT_BIN:-"$ROOT/Shell/bin/Release/net10.0/mm-bot"}
export WSLAT_FILLS=$FILLS WSLAT_QUIET=$QUIET WSLAT_ROOT=$ROOT
exec node --input-type=module - <<'JS'
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.env.WSLAT_ROOT;
const WebSocket = createRequire(join(ROOT, 'tools', 'package.json'))('ws');
const BIN = process.env.MM_BOT_BIN;
const FILLS = Number(process.env.WSLAT_FILLS);
const QUIET = Number(process.env.WSLAT_QUIET);
const PORT = Number(process.env.MEASURE_EXCHANGE_PORT ?? 18681);
const METRICS = Number(process.env.MEASURE_METRICS_PORT ?? 18680);
const SYMBOL = 'USDCcNGN-SPOT';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sorted = (a) => [...a].sort((x, y) => x - y);
const median = (a) => { const s = sorted(a); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const pct = (a, p) => { const s = sorted(a); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function startPaper(args, env) {
  const dir = mkdtempSync(join(tmpdir(), 'mm-wslat-'));
  const p = { dir, out: '' };
  p.proc = spawn(BIN, ['paper', '--port', String(PORT), '--seed', '7', ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH, HOME: dir, DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      MM_METRICS_ADDR: `127.0.0.1:${METRICS}`, MM_STATE_FILE: join(dir, 'state.json'), MM_LOG_LEVEL: 'WARN', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  p.proc.stdout.on('data', (d) => { p.out += d; });
  p.proc.stderr.on('data', (d) => { p.out += d; });
  p.exited = new Promise((r) => p.proc.on('exit', r));
  return p;
}

async function stopPaper(p) {
  p.proc.kill('SIGINT');
  const t = setTimeout(() => p.proc.kill('SIGKILL'), 20_000);
  await p.exited;
  clearTimeout(t);
  rmSync(p.dir, { recursive: true, force: true });
}

async function waitFor(pred, what, p, ms = 90_000) {
  const until = now() + ms;
  while (!(await pred())) {
    if (now() > until || p.proc.exitCode !== null) throw new Error(`timed out waiting for ${what}\n${p.out.slice(-3000)}`);
    await sleep(50);
  }
}

async function metric(name) {
  const text = await (await fetch(`http://127.0.0.1:${METRICS}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) sum += Number(line.split(' ').pop());
  }
  return sum;
}

const ours = (id) => typeof id === 'string' && id.startsWith('mm:');
const sideOf = (id) => id.split(':')[2];

async function latency(wsEnabled) {
  const mode = wsEnabled ? 'WebSocket on' : 'polling only (MM_WS_ENABLED=false)';
  console.log(`# fill → replacement, ${mode}, MM_POLL_INTERVAL_MS=2000, MM_ORDER_SIZE=5, taker on — ${new Date().toISOString()}, load average ${load()}`);
  const p = startPaper([], { MM_POLL_INTERVAL_MS: '2000', MM_ORDER_SIZE: '5', MM_WS_ENABLED: String(wsEnabled) });
  const known = new Set();
  const pending = new Map(); // side → time our order on that side was filled out
  const traded = new Set(); // our orders with a trade
  const gone = new Set(); // our orders whose open went to 0
  const filledOut = (id, t) => { known.add(id); if (!pending.has(sideOf(id))) pending.set(sideOf(id), t); };
  const gaps = [];
  let unanswered = 0;
  let socket;
  try {
    await waitFor(async () => { try { return (await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok; } catch { return false; } }, 'the paper exchange', p);
    socket = new WebSocket(`ws://127.0.0.1:${PORT}/v1/ws`);
    await new Promise((res, rej) => { socket.once('open', res); socket.once('error', rej); });
    socket.on('message', (raw) => {
      const t = now();
      const f = JSON.parse(raw.toString());
      if (f.type === 'snapshot' && f.channel === 'book') {
        for (const o of [...(f.data?.bids ?? []), ...(f.data?.asks ?? [])]) if (ours(o.order_id)) known.add(o.order_id);
        return;
      }
      if (f.type !== 'update') return;
      const d = f.data;
      if (f.channel === 'trades' && ours(d.maker_order_id)) {
        traded.add(d.maker_order_id);
        if (gone.has(d.maker_order_id)) filledOut(d.maker_order_id, t);
      } else if (f.channel === 'book' && ours(d.order_id)) {
        if (Number(d.order_open) === 0) {
          gone.add(d.order_id);
          if (traded.has(d.order_id)) filledOut(d.order_id, t);
        } else if (!known.has(d.order_id) && d.size_delta === d.order_open) {
          known.add(d.order_id);
          const side = sideOf(d.order_id);
          if (pending.has(side)) {
            const gap = t - pending.get(side);
            gaps.push(gap);
            console.log(`${gaps.length} ${side} ${gap.toFixed(1)}`);
            pending.delete(side);
          }
        }
      }
    });
    for (const channel of ['book', 'trades']) socket.send(JSON.stringify({ op: 'subscribe', channel, market: SYMBOL }));
    console.log('# n side fill_to_replacement_ms');
    const until = now() + 15 * 60_000;
    while (gaps.length < FILLS) {
      if (now() > until || p.proc.exitCode !== null) throw new Error(`only ${gaps.length} fills answered\n${p.out.slice(-3000)}`);
      for (const [side, t] of pending) if (now() - t > 10_000) { pending.delete(side); unanswered++; }
      await sleep(20);
    }
  } finally {
    socket?.terminate();
    await stopPaper(p);
  }
  console.log(`fill → replacement, ${mode}: ${gaps.length} fills, min ${Math.min(...gaps).toFixed(1)} ms, median ${median(gaps).toFixed(1)} ms, p99 ${pct(gaps, 0.99).toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms; ${unanswered} fills not replaced within 10 s; load average ${load()}`);
  return { med: median(gaps), p99: pct(gaps, 0.99) };
}

async function quiet(wsEnabled) {
  const mode = wsEnabled ? 'WebSocket on' : 'polling only';
  const p = startPaper(['--no-taker'], { MM_POLL_INTERVAL_MS: '2000', MM_WS_ENABLED: String(wsEnabled) });
  try {
    await waitFor(async () => { try { return (await metric('mm_bot_open_ask_present')) === 1 && (await metric('mm_bot_open_bid_present')) === 1; } catch { return false; } }, 'two-sided quotes', p);
    await sleep(2500);
    const [c0, w0, t0] = [await metric('mm_bot_cycle_wakeups_total'), await metric('mm_bot_ws_events_total'), now()];
    await sleep(QUIET * 1000);
    const [c1, w1, t1] = [await metric('mm_bot_cycle_wakeups_total'), await metric('mm_bot_ws_events_total'), now()];
    const perMin = (c1 - c0) / ((t1 - t0) / 60_000);
    console.log(`quiet market (--no-taker), ${mode}, MM_POLL_INTERVAL_MS=2000: ${perMin.toFixed(1)} cycles/min over ${((t1 - t0) / 1000).toFixed(0)} s (${c1 - c0} cycles, ${w1 - w0} ws events); load average ${load()}`);
  } finally {
    await stopPaper(p);
  }
}

const withWs = await latency(true);
await latency(false);
await quiet(true);
await quiet(false);
console.log(`goal with the socket: median ≤ 50 ms ${withWs.med <= 50 ? 'met' : 'NOT met'}, p99 ≤ 150 ms ${withWs.p99 <= 150 ? 'met' : 'NOT met'}`);
JS
