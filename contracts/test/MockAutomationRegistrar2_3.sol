// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {LinkTokenInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/LinkTokenInterface.sol";
import {IAutomationRegistrar2_3} from "../interfaces/IAutomationRegistrar.sol";
import {MockAutomationRegistrarBase} from "./MockAutomationRegistrarBase.sol";
import {MockAutomationRegistry} from "./MockAutomationRegistry.sol";

/// @title MockAutomationRegistrar2_3
/// @notice Stand-in for Chainlink's `AutomationRegistrar2_3` (`registerUpkeep` path, ERC-20 billing only): checks
/// the minimum per billing token, the admin and the registry's billing-token support, pulls the billing token
/// with `transferFrom`, rejects a duplicate pending request, emits `RegistrationRequested`, and either registers
/// at once (auto approval), funding LINK upkeeps with `transferAndCall` and emitting `RegistrationApproved`, or
/// keeps the request pending and returns 0, as the real registrar does. Tests only.
// The name mirrors Chainlink's registrar.
// solhint-disable-next-line contract-name-capwords
contract MockAutomationRegistrar2_3 is IAutomationRegistrar2_3, MockAutomationRegistrarBase {
    using SafeERC20 for IERC20;

    uint256 private immutable MIN_AMOUNT;

    error InvalidBillingToken();
    error DuplicateEntry();
    /// @dev The real registrar wraps native currency; this mock supports ERC-20 billing only.
    error NativePaymentNotSupported();

    constructor(
        LinkTokenInterface link,
        MockAutomationRegistry registry,
        uint256 minAmount,
        bool autoApprove
    ) MockAutomationRegistrarBase(link, registry, autoApprove) {
        MIN_AMOUNT = minAmount;
    }

    /// @inheritdoc IAutomationRegistrar2_3
    function registerUpkeep(RegistrationParams calldata requestParams) external payable returns (uint256) {
        require(msg.value == 0, NativePaymentNotSupported());
        IERC20(requestParams.billingToken).safeTransferFrom(msg.sender, address(this), requestParams.amount);
        return _register(requestParams);
    }

    function _register(RegistrationParams memory requestParams) private returns (uint256 upkeepId) {
        require(requestParams.amount >= MIN_AMOUNT, InsufficientPayment());
        require(requestParams.adminAddress != address(0), InvalidAdminAddress());
        require(REGISTRY.supportsBillingToken(requestParams.billingToken), InvalidBillingToken());
        bytes32 hash = keccak256(abi.encode(requestParams));
        require(_pending[hash] == 0, DuplicateEntry());
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
            requestParams.amount,
            requestParams.billingToken
        );
        if (!AUTO_APPROVE) {
            _pending[hash] = requestParams.amount;
            return 0;
        }
        upkeepId = REGISTRY.registerUpkeep(
            requestParams.upkeepContract,
            requestParams.gasLimit,
            requestParams.adminAddress,
            requestParams.triggerType,
            requestParams.billingToken,
            requestParams.checkData,
            requestParams.triggerConfig,
            requestParams.offchainConfig
        );
        _fund(upkeepId, requestParams.amount);
        emit RegistrationApproved(hash, requestParams.name, upkeepId);
    }

    /// @inheritdoc IAutomationRegistrar2_3
    function getRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IAutomationRegistrar2_3
    function getMinimumRegistrationAmount(address billingToken) external view returns (uint256) {
        return billingToken == address(LINK_TOKEN) ? MIN_AMOUNT : 0;
    }

    /// @inheritdoc IAutomationRegistrar2_3
    // Chainlink's getter name.
    // solhint-disable-next-line func-name-mixedcase
    function i_LINK() external view returns (address) {
        return address(LINK_TOKEN);
    }

    /// @inheritdoc IAutomationRegistrar2_3
    function typeAndVersion() external pure returns (string memory) {
        return "AutomationRegistrar 2.3.0";
    }
}
