// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestStablecoin} from "./TestStablecoin.sol";

/// @title FeeOnTransferToken
/// @notice A 6-decimals token that burns `FEE_BPS` of every transfer, so the receiver gets less than was sent.
/// Tests only.
contract FeeOnTransferToken is TestStablecoin {
    /// @notice The share of each transfer that is burned, in basis points (1%).
    uint256 public constant FEE_BPS = 100;

    constructor() TestStablecoin("Fee USD", "fUSD") {}

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * FEE_BPS) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
