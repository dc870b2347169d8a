// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// SubAccounts stand-in: getAccountBalances and ownerOf answer whatever the test set.
contract MockSubAccounts {
    struct AssetBalance {
        address asset;
        uint256 subId;
        int256 balance;
    }

    mapping(uint256 => AssetBalance[]) private _balances;
    mapping(uint256 => address) private _owners;

    function addBalance(uint256 accountId, address asset, uint256 subId, int256 balance) external {
        _balances[accountId].push(AssetBalance(asset, subId, balance));
    }

    function clearBalances(uint256 accountId) external {
        delete _balances[accountId];
    }

    function setOwner(uint256 accountId, address owner) external {
        _owners[accountId] = owner;
    }

    function getAccountBalances(uint256 accountId) external view returns (AssetBalance[] memory) {
        return _balances[accountId];
    }

    function ownerOf(uint256 accountId) external view returns (address) {
        return _owners[accountId];
    }
}
