// The ethers v6 side of `bash Benchmarks/sign-vs-ethers.sh` (driven by MarketMaker.Benchmarks --sign-vs-ethers).
// Line protocol on stdin/stdout, one JSON object per line:
//   {"setup": {chainId, verifyingContract, keys: [hex], items: [{key, trade: {...}, action: {...}}]}}  → {"ok": n}
//   {"op": "sign", "from": i, "to": j}                 → {"ns": [...], "sigs": [...]}    one order = encode TradeData + signTypedData
//   {"op": "verify", "from": i, "to": j, "sigs": [...]} → {"ns": [...], "addrs": [...]}  one check = verifyTypedData
// Integers are decimal strings; times are per item, in nanoseconds (process.hrtime.bigint).
import { createInterface } from 'node:readline';
import { AbiCoder, Wallet, verifyTypedData } from 'ethers';
import { matchingDomain, typesFor } from './eip712-matching.mjs';

const types = typesFor('Action');
const tradeTypes = ['address', 'uint256', 'int256', 'int256', 'uint256', 'uint256', 'bool'];
const coder = AbiCoder.defaultAbiCoder();

let domain;
let wallets;
let items;

const encodeTrade = (t) => coder.encode(tradeTypes, [t.asset, BigInt(t.subId), BigInt(t.limitPrice), BigInt(t.desiredAmount), BigInt(t.worstFee), BigInt(t.recipientId), t.isBid]);
const value = (item, data) => ({ ...item.action, data });

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const msg = JSON.parse(line);
  if (msg.setup) {
    domain = matchingDomain(msg.setup.chainId, msg.setup.verifyingContract);
    wallets = msg.setup.keys.map((k) => new Wallet(k));
    items = msg.setup.items;
    for (const item of items) item.data = encodeTrade(item.trade); // for verify, outside the timed section
    process.stdout.write(JSON.stringify({ ok: items.length }) + '\n');
  } else if (msg.op === 'sign') {
    const ns = [];
    const sigs = [];
    for (let i = msg.from; i < msg.to; i++) {
      const item = items[i];
      const t0 = process.hrtime.bigint();
      const data = encodeTrade(item.trade);
      const sig = await wallets[item.key].signTypedData(domain, types, value(item, data));
      ns.push(Number(process.hrtime.bigint() - t0));
      sigs.push(sig);
    }
    process.stdout.write(JSON.stringify({ ns, sigs }) + '\n');
  } else if (msg.op === 'verify') {
    const ns = [];
    const addrs = [];
    for (let i = msg.from; i < msg.to; i++) {
      const item = items[i];
      const v = value(item, item.data);
      const t0 = process.hrtime.bigint();
      const addr = verifyTypedData(domain, types, v, msg.sigs[i - msg.from]);
      ns.push(Number(process.hrtime.bigint() - t0));
      addrs.push(addr.toLowerCase());
    }
    process.stdout.write(JSON.stringify({ ns, addrs }) + '\n');
  } else if (msg.op === 'exit') {
    break;
  }
}
