// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestStablecoin} from "./TestStablecoin.sol";

/// @title ReentrantToken
/// @notice A hostile 6-decimals payment token: while armed, every transfer first calls `reentryTarget` with `data`
/// (e.g. Trading's `cancelOrder` or `withdraw`). Tests only.
/// @dev With `bubble` set, a failed re-entry reverts the transfer with the target's revert data, so the outer call
/// shows why the re-entry failed (`ReentrancyGuardReentrantCall`). Without it the failure is recorded in
/// {lastReentryError} and the transfer goes through. The hook fires once per arming, so it cannot loop.
contract ReentrantToken is TestStablecoin {
    address public reentryTarget;
    bytes public data;
    bool public bubble;
    bool public armed;
    bytes public lastReentryError;
    uint256 public reentryAttempts;

    constructor() TestStablecoin("Reentrant USD", "rUSD") {}

    /// @notice Makes the next transfer call `target_` with `data_` first.
    function arm(address target_, bytes calldata data_, bool bubble_) external {
        (reentryTarget, data, bubble, armed) = (target_, data_, bubble_, true);
    }

    /// @notice Cancels a pending re-entry.
    function disarm() external {
        armed = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (armed && from != address(0) && to != address(0)) {
            armed = false;
            ++reentryAttempts;
            // A raw call on purpose: the hook must reach any function of the target and see why it failed.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory returned) = reentryTarget.call(data);
            if (!ok) {
                if (bubble) {
                    // Re-throws the target's revert data unchanged, so tests can match its custom error.
                    // solhint-disable-next-line no-inline-assembly
                    assembly ("memory-safe") {
                        revert(add(returned, 0x20), mload(returned))
                    }
                }
                lastReentryError = returned;
            }
        }
        super._update(from, to, value);
    }
}
