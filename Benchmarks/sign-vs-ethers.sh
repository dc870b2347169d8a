#!/usr/bin/env bash
# Our signer (Protocol: Nethereum ABI/EIP-712 + NBitcoin.Secp256k1) against ethers v6 (tools/, pinned) on the same
# 2,000 actions in one run, interleaved; prints both medians and the ratio for sign and for recover.
# Usage: bash Benchmarks/sign-vs-ethers.sh [--count N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$root/tools/node_modules/ethers" ]; then
  echo "tools/node_modules/ethers is missing: run 'npm ci --prefix tools'" >&2
  exit 2
fi
dotnet build "$root/Benchmarks/Benchmarks.csproj" -c Release --nologo -v quiet >/dev/null
exec dotnet "$root/Benchmarks/bin/Release/net10.0/MarketMaker.Benchmarks.dll" --sign-vs-ethers --tools "$root/tools" "$@"
