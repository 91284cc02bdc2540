// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestStablecoin} from "./TestStablecoin.sol";

/// @title FalseReturningToken
/// @notice A 6-decimals token that, while `failing` is set, answers `transfer` and `transferFrom` with `false`
/// and moves nothing (the pre-ERC-20-final style some old tokens still use). Tests only.
contract FalseReturningToken is TestStablecoin {
    bool public failing;

    constructor() TestStablecoin("False USD", "xUSD") {}

    /// @notice Switches the `false` answers on or off.
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
