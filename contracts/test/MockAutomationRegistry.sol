// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {AutomationForwarder} from "@chainlink/contracts/src/v0.8/automation/AutomationForwarder.sol";
import {LinkTokenInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/LinkTokenInterface.sol";
import {IAutomationRegistryForwarding, IAutomationRegistryPricing2_1} from "../interfaces/IAutomationRegistrar.sol";

/// @title MockAutomationRegistry
/// @notice Stand-in for Chainlink's `KeeperRegistry2_1`, which cannot compile here (it needs OpenZeppelin 4.9.3
/// next to our 5.x): registrations from its registrar only, one of Chainlink's own `AutomationForwarder`s per
/// upkeep, LINK funding through ERC-677 `transferAndCall`, a minimum balance proportional to the gas limit, and a
/// `simulatePerform` hook that plays the Automation node. Events and selectors match the real registry. The 2.3
/// path runs against Chainlink's own registry (test/fixtures/automation23.ts). Tests only.
/// @dev Not modelled: OCR reports, the fast gas and LINK/ETH feeds (the price is a fixed number of juels per gas),
/// payments to nodes, pausing and cancelling.
contract MockAutomationRegistry is IAutomationRegistryForwarding, IAutomationRegistryPricing2_1 {
    struct Upkeep {
        address target;
        uint32 performGas;
        address admin;
        uint96 balance;
        uint32 lastPerformedBlockNumber;
        AutomationForwarder forwarder;
        bytes checkData;
    }

    /// @dev The real registry's fixed gas overhead of a conditional upkeep, priced like perform gas.
    uint256 private constant CONDITIONAL_OVERHEAD = 90_000;

    LinkTokenInterface private immutable LINK;
    address private immutable FORWARDER_LOGIC;
    uint96 private immutable JUELS_PER_GAS;
    address private immutable OWNER;
    address private _registrar;
    uint256 private _nonce;
    mapping(uint256 id => Upkeep) private _upkeeps;

    /// @notice Emitted by {simulatePerform} with the forwarder's outcome.
    event UpkeepPerformed(uint256 indexed id, bool indexed success, uint256 gasUsed);

    error OnlyCallableByOwnerOrRegistrar();
    error OnlyCallableByLINKToken();
    error InvalidDataLength();
    error UpkeepCancelled();

    /// @param forwarderLogic Chainlink's `AutomationForwarderLogic`, shared by the forwarders.
    /// @param juelsPerGas the price of one unit of perform gas in juels, standing in for the feeds.
    constructor(LinkTokenInterface link, address forwarderLogic, uint96 juelsPerGas) {
        LINK = link;
        FORWARDER_LOGIC = forwarderLogic;
        JUELS_PER_GAS = juelsPerGas;
        OWNER = msg.sender;
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
        uint8,
        bytes calldata checkData,
        bytes calldata,
        bytes calldata
    ) external returns (uint256 id) {
        require(msg.sender == OWNER || msg.sender == _registrar, OnlyCallableByOwnerOrRegistrar());
        // Like the real registries: a large pseudo-random id, not a counter.
        id = uint256(keccak256(abi.encode(address(this), ++_nonce)));
        AutomationForwarder forwarder = new AutomationForwarder(target, address(this), FORWARDER_LOGIC);
        _upkeeps[id] = Upkeep({
            target: target,
            performGas: gasLimit,
            admin: admin,
            balance: 0,
            lastPerformedBlockNumber: 0,
            forwarder: forwarder,
            checkData: checkData
        });
        emit UpkeepRegistered(id, gasLimit, admin);
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
        upkeep.lastPerformedBlockNumber = uint32(block.number);
        emit UpkeepPerformed(id, success, gasUsed);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getForwarder(uint256 upkeepID) external view returns (address) {
        return address(_upkeeps[upkeepID].forwarder);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getBalance(uint256 id) external view returns (uint96 balance) {
        return _upkeeps[id].balance;
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getUpkeep(uint256 id) external view returns (UpkeepInfo memory upkeepInfo) {
        Upkeep storage upkeep = _upkeeps[id];
        return
            UpkeepInfo({
                target: upkeep.target,
                performGas: upkeep.performGas,
                checkData: upkeep.checkData,
                balance: upkeep.balance,
                admin: upkeep.admin,
                maxValidBlocknumber: type(uint32).max,
                lastPerformedBlockNumber: upkeep.lastPerformedBlockNumber,
                amountSpent: 0,
                paused: false,
                offchainConfig: ""
            });
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function getMinBalanceForUpkeep(uint256 id) external view returns (uint96) {
        return getMaxPaymentForGas(0, _upkeeps[id].performGas);
    }

    /// @inheritdoc IAutomationRegistryPricing2_1
    function getMaxPaymentForGas(uint8, uint32 gasLimit) public view returns (uint96) {
        return uint96((gasLimit + CONDITIONAL_OVERHEAD) * JUELS_PER_GAS);
    }

    /// @inheritdoc IAutomationRegistryForwarding
    function typeAndVersion() external pure returns (string memory) {
        return "KeeperRegistry 2.1.0";
    }
}
