// Compiles Solidity for the tests with the pinned npm solc.
// stdin:  JSON {sources: {"File.sol": "<source text>", ...}}
// stdout: JSON {contracts: {"Name": {abi, bytecode}}, errors: ["..."]}; exit code 1 when compilation has errors.
import solc from 'solc';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const sources = Object.fromEntries(Object.entries(input.sources).map(([name, content]) => [name, { content }]));
const output = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    viaIR: input.viaIR ?? false,
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
})));

const errors = (output.errors ?? []).filter(e => e.severity === 'error').map(e => e.formattedMessage);
const contracts = {};
for (const file of Object.values(output.contracts ?? {})) {
  for (const [name, c] of Object.entries(file)) {
    contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
  }
}
process.stdout.write(JSON.stringify({ contracts, errors }));
process.exitCode = errors.length > 0 ? 1 : 0;
