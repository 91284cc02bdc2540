// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LinkTokenInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/LinkTokenInterface.sol";
import {MockAutomationRegistry} from "./MockAutomationRegistry.sol";

/// @title MockAutomationRegistrarBase
/// @notice What the mock registrars of each Automation version share: the LINK token, the registry, auto approval,
/// the funds held for pending requests, and the funding of an approved upkeep with `transferAndCall`. Tests only.
abstract contract MockAutomationRegistrarBase {
    LinkTokenInterface internal immutable LINK_TOKEN;
    MockAutomationRegistry internal immutable REGISTRY;
    bool internal immutable AUTO_APPROVE;

    mapping(bytes32 hash => uint96 balance) internal _pending;

    error InsufficientPayment();
    error InvalidAdminAddress();
    error TransferFailed(address to);

    constructor(LinkTokenInterface link, MockAutomationRegistry registry, bool autoApprove) {
        LINK_TOKEN = link;
        REGISTRY = registry;
        AUTO_APPROVE = autoApprove;
    }

    /// @notice The amount held for the pending request `hash`.
    function getPendingRequest(bytes32 hash) external view returns (uint96) {
        return _pending[hash];
    }

    /// @dev Funds the registered upkeep `upkeepId` with `amount` of LINK, as the registrar does on approval.
    function _fund(uint256 upkeepId, uint96 amount) internal {
        require(
            LINK_TOKEN.transferAndCall(address(REGISTRY), amount, abi.encode(upkeepId)),
            TransferFailed(address(REGISTRY))
        );
    }
}
