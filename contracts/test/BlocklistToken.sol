// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestStablecoin} from "./TestStablecoin.sol";

/// @title BlocklistToken
/// @notice A 6-decimals stablecoin stand-in that, like USDC, can block an address: transfers from or to it
/// revert. One address at a time. Tests only.
contract BlocklistToken is TestStablecoin {
    /// @notice `account` is blocked.
    error BlocklistTokenBlocked(address account);

    address public blocked;

    constructor() TestStablecoin("Blocklist USD", "bUSD") {}

    /// @notice Blocks `account` (the zero address unblocks everyone).
    function setBlocked(address account) external {
        blocked = account;
    }

    function _update(address from, address to, uint256 value) internal override {
        address b = blocked;
        if (b != address(0)) {
            if (from == b) revert BlocklistTokenBlocked(from);
            if (to == b) revert BlocklistTokenBlocked(to);
        }
        super._update(from, to, value);
    }
}
