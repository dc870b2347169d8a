// The Matching contract's EIP-712 domain and types (protocol spec; Protocol/Signing in C#), shared by
// ethers-sign.mjs (the tests' independent reference) and ethers-bench.mjs (the signing benchmark).
export const types = {
  Action: [
    { name: 'subaccountId', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'module', type: 'address' },
    { name: 'data', type: 'bytes' },
    { name: 'expiry', type: 'uint256' },
    { name: 'owner', type: 'address' },
    { name: 'signer', type: 'address' },
  ],
  Cancel: [
    { name: 'owner', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'expiry', type: 'uint256' },
  ],
};

/** The types object for one primary type (ethers wants only the types it signs). */
export const typesFor = (primary) => ({ [primary]: types[primary] });

/** The Matching domain for a chain id (decimal string or number) and the contract address. */
export const matchingDomain = (chainId, verifyingContract) => ({ name: 'Matching', version: '1.0', chainId: BigInt(chainId), verifyingContract });
