#!/usr/bin/env node
// Latency measurements of issue 17 on `mm-bot paper` (in-memory store, no taker), each printing its figures.
// Talks only to 127.0.0.1. Needs a Release build (dotnet build Shell -c Release) or MM_BOT_BIN.
//
//   node tools/measure/latency.mjs fill [FILLS=20]    fill → replacement at MM_POLL_INTERVAL_MS=2000
//   node tools/measure/latency.mjs startup [RUNS=5]   start-up to two-sided quotes
//   node tools/measure/latency.mjs ladder [ROUNDS=4]  5-level ladder fully replaced, 50 ms delay on create/cancel
//
// The book is polled every 50 ms (GET /v1/book). A fill is one POST /admin/hit: another participant sends the
// opposite order at our order's limit for its whole remaining amount, so the order is filled completely.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.MM_BOT_BIN ?? join(ROOT, 'Shell/bin/Release/net10.0/mm-bot');
const PORT = Number(process.env.MEASURE_EXCHANGE_PORT ?? 18581);
const METRICS = Number(process.env.MEASURE_METRICS_PORT ?? 18580);
const API = `http://127.0.0.1:${PORT}`;
const SYMBOL = 'USDCcNGN-SPOT';
const POLL_MS = 50;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms
const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const f0 = (x) => x.toFixed(0);

class Paper {
  constructor(env) {
    this.dir = mkdtempSync(join(tmpdir(), 'mm-measure-'));
    this.out = '';
    this.owner = null;
    this.spawned = now();
    this.proc = spawn(BIN, ['paper', '--no-taker', '--port', String(PORT), '--seed', '7'], {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH, HOME: this.dir, DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DOTNET_'))),
        MM_METRICS_ADDR: `127.0.0.1:${METRICS}`, MM_STATE_FILE: join(this.dir, 'state.json'), ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (d) => {
      this.out += d.toString();
      if (!this.owner) {
        const m = /owner (0x[0-9a-fA-F]{40})/.exec(this.out);
        if (m) { this.owner = m[1].toLowerCase(); this.botStarting = now(); }
      }
    };
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    this.exited = new Promise((r) => this.proc.on('exit', r));
  }

  async ready() {
    const until = now() + 60_000;
    while (!this.owner) {
      if (now() > until || this.proc.exitCode !== null) throw new Error('mm-bot paper did not start:\n' + this.out.slice(-3000));
      await sleep(10);
    }
  }

  /** Our resting orders per trader side (the id is mm:<market>:<side>:…). */
  async ours() {
    const res = await fetch(`${API}/v1/book?symbol=${SYMBOL}`);
    const book = await res.json();
    const bids = [], asks = [];
    for (const o of [...book.bids, ...book.asks]) {
      if (!o.order_id.startsWith('mm:') || o.owner_address.toLowerCase() !== this.owner) continue;
      (o.order_id.split(':')[2] === 'buy' ? bids : asks).push(o.order_id);
    }
    return { bids, asks };
  }

  /** Polls the book every 50 ms until pred(ours) holds; returns [ours, time of that poll's answer]. */
  async until(pred, what, timeoutMs = 30_000) {
    const until = now() + timeoutMs;
    for (;;) {
      const started = now();
      let o = null;
      try { o = await this.ours(); } catch { /* exchange not up yet */ }
      const t = now();
      if (o && pred(o)) return [o, t];
      if (t > until) throw new Error(`timed out waiting for ${what}\n` + this.out.slice(-3000));
      await sleep(Math.max(0, POLL_MS - (now() - started)));
    }
  }

  async post(path, body) {
    const res = await fetch(`${API}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path} ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  async stop() {
    this.proc.kill('SIGINT');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(t);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function header(what) {
  const [l1, l5, l15] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  console.log(`# ${what} — ${new Date().toISOString()}, load average ${l1} ${l5} ${l15}, ${BIN}`);
}

async function fill(count) {
  const pollInterval = 2000;
  header(`fill → replacement, MM_POLL_INTERVAL_MS=${pollInterval}, MM_ORDER_SIZE=5, ${count} full fills, book polled every ${POLL_MS} ms`);
  const paper = new Paper({ MM_POLL_INTERVAL_MS: String(pollInterval), MM_ORDER_SIZE: '5', MM_LOG_LEVEL: 'WARN' });
  const gaps = [];
  try {
    await paper.ready();
    console.log('# n side gone_after_hit_ms replaced_after_gone_ms replaced_after_hit_ms');
    for (let i = 0; i < count; i++) {
      await paper.until((o) => o.bids.length === 1 && o.asks.length === 1, 'a bid and an ask');
      await sleep(Math.random() * pollInterval); // a uniformly random phase against the bot's cycle
      const [o] = await paper.until((x) => x.bids.length === 1 && x.asks.length === 1, 'a bid and an ask');
      const side = i % 2 === 0 ? 'asks' : 'bids';
      const id = o[side][0];
      const hit = now();
      await paper.post('/admin/hit', { order_id: id });
      const [, gone] = await paper.until((x) => !x[side].includes(id), 'the order filled');
      const [, back] = await paper.until((x) => x[side].length === 1 && x[side][0] !== id, 'its replacement', 20_000);
      gaps.push(back - gone);
      console.log(`${i + 1} ${side === 'asks' ? 'sell' : 'buy'} ${f0(gone - hit)} ${f0(back - gone)} ${f0(back - hit)}`);
    }
  } finally {
    await paper.stop();
  }

  const goalMed = pollInterval / 2 + 150, goalMax = pollInterval + 150;
  const med = median(gaps), max = Math.max(...gaps);
  console.log(`fill → replacement over ${gaps.length} full fills: median ${f0(med)} ms, p90 ${f0(pct(gaps, 0.9))} ms, max ${f0(max)} ms, min ${f0(Math.min(...gaps))} ms` +
    ` (goal: median ≤ ${goalMed} ms ${med <= goalMed ? 'met' : 'NOT met'}, max ≤ ${goalMax} ms ${max <= goalMax ? 'met' : 'NOT met'})`);
}

async function startup(runs) {
  header(`start-up to two-sided quotes, ${runs} runs of mm-bot paper (default MM_POLL_INTERVAL_MS=1000), book polled every ${POLL_MS} ms`);
  const fromBot = [], fromSpawn = [];
  console.log('# run spawn_to_exchange_up_ms exchange_up_to_two_sided_ms spawn_to_two_sided_ms');
  for (let i = 0; i < runs; i++) {
    const paper = new Paper({ MM_LOG_LEVEL: 'WARN' });
    try {
      await paper.ready();
      const [, t] = await paper.until((o) => o.bids.length === 1 && o.asks.length === 1, 'a bid and an ask');
      fromBot.push(t - paper.botStarting);
      fromSpawn.push(t - paper.spawned);
      console.log(`${i + 1} ${f0(paper.botStarting - paper.spawned)} ${f0(t - paper.botStarting)} ${f0(t - paper.spawned)}`);
    } finally {
      await paper.stop();
    }
  }

  const med = median(fromBot);
  console.log(`start-up (exchange up, bot starting → two-sided quotes on the book): median ${f0(med)} ms, min ${f0(Math.min(...fromBot))}, max ${f0(Math.max(...fromBot))}` +
    ` (goal ≤ 800 ms ${med <= 800 ? 'met' : 'NOT met'}); process spawn → two-sided: median ${f0(median(fromSpawn))} ms`);
}

async function ladder(rounds) {
  const delay = 50;
  header(`5-level ladder fully replaced, ${delay} ms delay fault on create_order and cancel_order, ${rounds} replacements`);
  const paper = new Paper({
    MM_QUOTE_LEVELS: '5', MM_LEVEL_SPREAD_STEP_BPS: '5', MM_ORDER_SIZE: '20', MM_LOG_LEVEL: 'DEBUG', MM_POLL_INTERVAL_MS: '1000',
  });
  const timings = [];
  try {
    await paper.ready();
    await paper.until((o) => o.bids.length === 5 && o.asks.length === 5, 'five bids and five asks');
    // Cycles without orders to send: the gather phase and a cycle's cost when nothing is sent.
    const idleFrom = paper.out.length;
    await sleep(3500);
    const idle = [...paper.out.slice(idleFrom).matchAll(/cycle timing gather_ms=([\d.]+) .*cancels=0 .*placements=0 .*total_ms=([\d.]+)/g)].map((m) => Number(m[1]));
    for (const target of ['create_order', 'cancel_order']) {
      await paper.post('/admin/faults', { target, kind: 'delay', delay_ms: delay, count: 100000 });
    }

    // Another participant's orders move the book mid (the spot reference) by ±6 bps, beyond the 5 bps stale
    // threshold, so every level of both sides is replaced; none of them crosses a quote of ours.
    const steps = [{ side: 'buy', price: '1592' }, { side: 'sell', price: '1608' }, { side: 'buy', price: '1594' }, { side: 'sell', price: '1606' }];
    for (let i = 0; i < rounds; i++) {
      const [before] = await paper.until((o) => o.bids.length === 5 && o.asks.length === 5, 'five bids and five asks');
      const old = new Set([...before.bids, ...before.asks]);
      const from = paper.out.length;
      await paper.post('/admin/orders', { ...steps[i % steps.length], size: '500' });
      await paper.until((o) => o.bids.length === 5 && o.asks.length === 5 && [...o.bids, ...o.asks].every((id) => !old.has(id)), 'every level replaced', 30_000);
      await sleep(200);
      const lines = [...paper.out.slice(from).matchAll(/cycle timing gather_ms=([\d.]+) decide_persist_ms=([\d.]+) cancels=(\d+) cancel_ms=([\d.]+) placements=(\d+) place_ms=([\d.]+) total_ms=([\d.]+)/g)]
        .map((m) => m.slice(1).map(Number)).filter((m) => m[2] > 0 || m[4] > 0);
      for (const [gather, decide, cancels, cancelMs, placements, placeMs, total] of lines) {
        timings.push({ gather, decide, cancels, cancelMs, placements, placeMs, total });
        console.log(`round ${i + 1}: gather ${gather} ms, decide+persist ${decide} ms, ${cancels} cancels ${cancelMs} ms, ${placements} placements ${placeMs} ms, cycle ${total} ms`);
      }
    }

    const full = timings.filter((t) => t.cancels === 10 && t.placements === 10);
    if (idle.length) console.log(`idle cycles (nothing sent): gather median ${median(idle).toFixed(1)} ms over ${idle.length}`);
    if (full.length === 0) { console.log('no cycle replaced all 10 orders at once'); return; }
    const m = (k) => median(full.map((t) => t[k]));
    const ideal = m('gather') + m('decide') + 2 * delay;
    console.log(`full replacement (10 cancels + 10 placements in one cycle, ${full.length} cycles): median cycle ${m('total').toFixed(0)} ms = gather ${m('gather').toFixed(0)}` +
      ` + decide/persist ${m('decide').toFixed(0)} + cancels ${m('cancelMs').toFixed(0)} + placements ${m('placeMs').toFixed(0)};` +
      ` one ${delay} ms round-trip per phase would be ≈ ${ideal.toFixed(0)} ms + 2 loopback round-trips, one after another ≈ ${(m('gather') + m('decide') + 20 * delay).toFixed(0)} ms`);
  } finally {
    await paper.stop();
  }
}

const [mode, n] = process.argv.slice(2);
const modes = { fill: [fill, 20], startup: [startup, 5], ladder: [ladder, 4] };
if (!modes[mode]) {
  console.error('usage: node tools/measure/latency.mjs fill [FILLS=20] | startup [RUNS=5] | ladder [ROUNDS=4]');
  process.exit(2);
}
await modes[mode][0](Number(n ?? modes[mode][1]));
