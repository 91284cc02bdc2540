// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {LinkTokenInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/LinkTokenInterface.sol";
import {IAutomationRegistryForwarding} from "../interfaces/IAutomationRegistrar.sol";
import {MockAutomationForwarder} from "./MockAutomationForwarder.sol";

/// @title MockAutomationRegistry
/// @notice Stand-in for a Chainlink Automation registry (2.1 or 2.3, chosen by `typeAndVersion`): registrations
/// from its registrar only, one forwarder per upkeep, LINK funding through ERC-677 `transferAndCall`, and a
/// `simulatePerform` hook that plays the Automation node. Events and selectors match the real registries.
/// Tests only.
contract MockAutomationRegistry is IAutomationRegistryForwarding {
    using SafeERC20 for IERC20;

    struct Upkeep {
        address target;
        uint32 performGas;
        address admin;
        uint8 triggerType;
        address billingToken;
        uint96 balance;
        MockAutomationForwarder forwarder;
        bytes checkData;
    }

    LinkTokenInterface private immutable LINK;
    address private immutable OWNER;
    string private _typeAndVersion;
    address private _registrar;
    uint256 private _nonce;
    mapping(uint256 id => Upkeep) private _upkeeps;

    /// @notice Emitted by {simulatePerform} with the forwarder's outcome.
    event UpkeepPerformed(uint256 indexed id, bool indexed success, uint256 gasUsed);

    error OnlyCallableByOwnerOrRegistrar();
    error OnlyCallableByLINKToken();
    error InvalidDataLength();
    error UpkeepCancelled();
    error InvalidBillingToken();

    constructor(LinkTokenInterface link, string memory typeAndVersion_) {
        LINK = link;
        OWNER = msg.sender;
        _typeAndVersion = typeAndVersion_;
    }

    /// @notice Sets the registrar allowed to register upkeeps (the owner always may).
    function setRegistrar(address registrar) external {
        require(msg.sender == OWNER, OnlyCallableByOwnerOrRegistrar());
        _registrar = registrar;
    }

    /// @notice 2.1 registration (no billing token: LINK).
    function registerUpkeep(
        address target,
        uint32 gasLimit,
        address admin,
        uint8 triggerType,
        bytes calldata checkData,
        bytes calldata,
        bytes calldata
    ) external returns (uint256 id) {
        return _registerUpkeep(target, gasLimit, admin, triggerType, address(LINK), checkData);
    }

    /// @notice 2.3 registration.
    function registerUpkeep(
        address target,
        uint32 gasLimit,
        address admin,
        uint8 triggerType,
        address billingToken,
        bytes calldata checkData,
        bytes calldata,
        bytes calldata
    ) external returns (uint256 id) {
        require(billingToken == address(LINK), InvalidBillingToken());
        return _registerUpkeep(target, gasLimit, admin, triggerType, billingToken, checkData);
    }

    /// @notice Funds the upkeep `abi.decode(data, (uint256))` with the LINK just received.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external {
        require(msg.sender == address(LINK), OnlyCallableByLINKToken());
        require(data.length == 32, InvalidDataLength());
        uint256 id = abi.decode(data, (uint256));
        Upkeep storage upkeep = _upkeeps[id];
        require(upkeep.target != address(0), UpkeepCancelled());
        upkeep.balance += uint96(amount);
        emit FundsAdded(id, sender, uint96(amount));
    }

    /// @notice 2.3 funding by `transferFrom` in the upkeep's billing token.
    function addFunds(uint256 id, uint96 amount) external payable {
        Upkeep storage upkeep = _upkeeps[id];
        require(upkeep.target != address(0), UpkeepCancelled());
        upkeep.balance += amount;
        IERC20(upkeep.billingToken).safeTransferFrom(msg.sender, address(this), amount);
        emit FundsAdded(id, msg.sender, amount);
    }

    /// @notice Plays the Automation node: asks the target's `checkUpkeep` with the upkeep's check data and, when
    /// upkeep is needed, calls `performUpkeep(performData)` through the upkeep's forwarder.
    function simulatePerform(uint256 id) external returns (bool success) {
        Upkeep storage upkeep = _upkeeps[id];
        require(upkeep.target != address(0), UpkeepCancelled());
        (bool needed, bytes memory performData) = AutomationCompatibleInterface(upkeep.target).checkUpkeep(
            upkeep.checkData
        );
        if (!needed) return false;
        uint256 gasUsed;
        (success, gasUsed) = upkeep.forwarder.forward(
            upkeep.performGas,
            abi.encodeCall(AutomationCompatibleInterface.performUpkeep, (performData))
        );
        emit UpkeepPerformed(id, success, gasUsed);
    }

    function supportsBillingToken(address token) external view returns (bool) {
        return token == address(LINK);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getForwarder(uint256 upkeepID) external view returns (address) {
        return address(_upkeeps[upkeepID].forwarder);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getBalance(uint256 id) external view returns (uint96 balance) {
        return _upkeeps[id].balance;
    }

    /// @notice The target, gas limit and admin of upkeep `id`.
    function getUpkeepTarget(uint256 id) external view returns (address target, uint32 performGas, address admin) {
        Upkeep storage upkeep = _upkeeps[id];
        return (upkeep.target, upkeep.performGas, upkeep.admin);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function typeAndVersion() external view returns (string memory) {
        return _typeAndVersion;
    }

    function _registerUpkeep(
        address target,
        uint32 gasLimit,
        address admin,
        uint8 triggerType,
        address billingToken,
        bytes calldata checkData
    ) private returns (uint256 id) {
        require(msg.sender == OWNER || msg.sender == _registrar, OnlyCallableByOwnerOrRegistrar());
        // Like the real registries: a large pseudo-random id, not a counter.
        id = uint256(keccak256(abi.encode(address(this), ++_nonce)));
        MockAutomationForwarder forwarder = new MockAutomationForwarder(target);
        _upkeeps[id] = Upkeep({
            target: target,
            performGas: gasLimit,
            admin: admin,
            triggerType: triggerType,
            billingToken: billingToken,
            balance: 0,
            forwarder: forwarder,
            checkData: checkData
        });
        emit UpkeepRegistered(id, gasLimit, admin);
    }
}
