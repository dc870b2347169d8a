// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Recomputes the Matching EIP-712 hashes on chain, independently of the C# code, and ecrecovers signatures.
contract MatchingDigest {
    bytes32 public constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 public constant ACTION_TYPEHASH =
        keccak256("Action(uint256 subaccountId,uint256 nonce,address module,bytes data,uint256 expiry,address owner,address signer)");
    bytes32 public constant CANCEL_TYPEHASH = keccak256("Cancel(address owner,address signer,uint256 nonce,uint256 expiry)");

    struct Action {
        uint256 subaccountId;
        uint256 nonce;
        address module;
        bytes data;
        uint256 expiry;
        address owner;
        address signer;
    }

    function domainSeparator(uint256 chainId, address verifyingContract) public pure returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes("Matching")), keccak256(bytes("1.0")), chainId, verifyingContract)
        );
    }

    function actionHash(Action calldata a) public pure returns (bytes32) {
        return keccak256(
            abi.encode(ACTION_TYPEHASH, a.subaccountId, a.nonce, a.module, keccak256(a.data), a.expiry, a.owner, a.signer)
        );
    }

    function cancelHash(address owner, address signer, uint256 nonce, uint256 expiry) public pure returns (bytes32) {
        return keccak256(abi.encode(CANCEL_TYPEHASH, owner, signer, nonce, expiry));
    }

    function recoverAction(uint256 chainId, address verifyingContract, Action calldata a, bytes calldata signature)
        external
        pure
        returns (address recovered, bytes32 digest)
    {
        digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(chainId, verifyingContract), actionHash(a)));
        recovered = _recover(digest, signature);
    }

    function recoverCancel(
        uint256 chainId,
        address verifyingContract,
        address owner,
        address signer,
        uint256 nonce,
        uint256 expiry,
        bytes calldata signature
    ) external pure returns (address recovered, bytes32 digest) {
        digest = keccak256(
            abi.encodePacked("\x19\x01", domainSeparator(chainId, verifyingContract), cancelHash(owner, signer, nonce, expiry))
        );
        recovered = _recover(digest, signature);
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address) {
        require(signature.length == 65, "signature length");
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) {
            v += 27;
        }
        require(v == 27 || v == 28, "signature v");
        return ecrecover(digest, v, r, s);
    }
}
