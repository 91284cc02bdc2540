// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MockAutomationForwarder
/// @notice Stand-in for Chainlink's per-upkeep `AutomationForwarder`: the only address the registry uses to call
/// the upkeep's `performUpkeep`. Tests only.
contract MockAutomationForwarder {
    address private immutable REGISTRY;
    address private immutable TARGET;

    error MockForwarderNotRegistry(address caller);

    constructor(address target) {
        REGISTRY = msg.sender;
        TARGET = target;
    }

    /// @notice Calls the target with `data` and at most `gasAmount` gas, as the real forwarder does.
    function forward(uint256 gasAmount, bytes calldata data) external returns (bool success, uint256 gasUsed) {
        require(msg.sender == REGISTRY, MockForwarderNotRegistry(msg.sender));
        gasUsed = gasleft();
        // solhint-disable-next-line avoid-low-level-calls
        (success, ) = TARGET.call{gas: gasAmount}(data);
        gasUsed -= gasleft();
    }

    function getTarget() external view returns (address) {
        return TARGET;
    }

    function getRegistry() external view returns (address) {
        return REGISTRY;
    }

    function typeAndVersion() external pure returns (string memory) {
        return "AutomationForwarder 1.0.0";
    }
}
