// Independent EIP-712 reference for the tests: signs Matching Actions/Cancels with ethers v6.
// stdin:  JSON array of {privateKey, domain:{chainId, verifyingContract}, action:{subaccountId, nonce, module, data, expiry, owner, signer}}
//         or {privateKey, domain, cancel:{owner, signer, nonce, expiry}}; integers as decimal strings, data as 0x-hex;
//         optional `theirSignature`: a signature made by the other implementation, which ethers verifies.
// stdout: JSON array, same order, of {signature, digest, recovered, recoveredTheirs} (recoveredTheirs: the address
//         ethers' verifyTypedData recovers from theirSignature, or null when the signature does not parse).
import { Wallet, TypedDataEncoder, verifyTypedData } from 'ethers';
import { matchingDomain, typesFor } from './eip712-matching.mjs';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const out = [];
for (const item of items) {
  const wallet = new Wallet(item.privateKey);
  const domain = matchingDomain(item.domain.chainId, item.domain.verifyingContract);
  const primary = item.action ? 'Action' : 'Cancel';
  const value = item.action ?? item.cancel;
  const oneType = typesFor(primary);
  const signature = await wallet.signTypedData(domain, oneType, value);
  const digest = TypedDataEncoder.hash(domain, oneType, value);
  const recovered = verifyTypedData(domain, oneType, value, signature).toLowerCase();
  let recoveredTheirs = null;
  if (item.theirSignature) {
    try {
      recoveredTheirs = verifyTypedData(domain, oneType, value, item.theirSignature).toLowerCase();
    } catch {
      recoveredTheirs = null;
    }
  }
  out.push({ signature, digest, recovered, recoveredTheirs });
}
process.stdout.write(JSON.stringify(out));
