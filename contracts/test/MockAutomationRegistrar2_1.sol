// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LinkTokenInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/LinkTokenInterface.sol";
import {IAutomationRegistrar2_1} from "../interfaces/IAutomationRegistrar.sol";
import {MockAutomationRegistry} from "./MockAutomationRegistry.sol";

/// @title MockAutomationRegistrar2_1
/// @notice Stand-in for Chainlink's `AutomationRegistrar2_1` (`registerUpkeep` path only): checks the minimum
/// funding, pulls LINK with `transferFrom`, emits `RegistrationRequested`, registers at once (auto approval: the
/// pending path of manual approval is tested on the real 2.3 registrar) and funds the upkeep with
/// `transferAndCall`, emitting `RegistrationApproved`, as the real registrar does. Chainlink's `AutomationRegistrar2_1`
/// cannot compile here (it needs OpenZeppelin 4.9.3 next to our 5.x); the 2.3 path runs against Chainlink's own
/// registrar. Tests only.
// The name mirrors Chainlink's registrar.
// solhint-disable-next-line contract-name-capwords
contract MockAutomationRegistrar2_1 is IAutomationRegistrar2_1 {
    LinkTokenInterface private immutable LINK_TOKEN;
    MockAutomationRegistry private immutable REGISTRY;
    uint96 private immutable MIN_LINK_JUELS;

    error InsufficientPayment();
    error InvalidAdminAddress();
    error TransferFailed(address to);

    constructor(LinkTokenInterface link, MockAutomationRegistry registry, uint96 minLINKJuels) {
        LINK_TOKEN = link;
        REGISTRY = registry;
        MIN_LINK_JUELS = minLINKJuels;
    }

    /// @inheritdoc IAutomationRegistrar2_1
    function registerUpkeep(RegistrationParams calldata requestParams) external returns (uint256) {
        require(requestParams.amount >= MIN_LINK_JUELS, InsufficientPayment());
        require(
            LINK_TOKEN.transferFrom(msg.sender, address(this), requestParams.amount),
            TransferFailed(address(this))
        );
        return _register(requestParams);
    }

    function _register(RegistrationParams memory requestParams) private returns (uint256 upkeepId) {
        require(requestParams.adminAddress != address(0), InvalidAdminAddress());
        bytes32 hash = keccak256(
            abi.encode(
                requestParams.upkeepContract,
                requestParams.gasLimit,
                requestParams.adminAddress,
                requestParams.triggerType,
                requestParams.checkData,
                requestParams.triggerConfig,
                requestParams.offchainConfig
            )
        );
        emit RegistrationRequested(
            hash,
            requestParams.name,
            requestParams.encryptedEmail,
            requestParams.upkeepContract,
            requestParams.gasLimit,
            requestParams.adminAddress,
            requestParams.triggerType,
            requestParams.triggerConfig,
            requestParams.offchainConfig,
            requestParams.checkData,
            requestParams.amount
        );
        upkeepId = REGISTRY.registerUpkeep(
            requestParams.upkeepContract,
            requestParams.gasLimit,
            requestParams.adminAddress,
            requestParams.triggerType,
            requestParams.checkData,
            requestParams.triggerConfig,
            requestParams.offchainConfig
        );
        require(
            LINK_TOKEN.transferAndCall(address(REGISTRY), requestParams.amount, abi.encode(upkeepId)),
            TransferFailed(address(REGISTRY))
        );
        emit RegistrationApproved(hash, requestParams.name, upkeepId);
    }

    /// @inheritdoc IAutomationRegistrar2_1
    function getConfig() external view returns (address keeperRegistry, uint256 minLINKJuels) {
        return (address(REGISTRY), MIN_LINK_JUELS);
    }

    /// @inheritdoc IAutomationRegistrar2_1
    // Chainlink's getter name.
    // solhint-disable-next-line func-name-mixedcase
    function LINK() external view returns (address) {
        return address(LINK_TOKEN);
    }

    /// @inheritdoc IAutomationRegistrar2_1
    function typeAndVersion() external pure returns (string memory) {
        return "AutomationRegistrar 2.1.0";
    }
}
