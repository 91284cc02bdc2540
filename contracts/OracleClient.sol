// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {IGridToken} from "./interfaces/IGridToken.sol";
import {IOracleClient} from "./interfaces/IOracleClient.sol";
import {IReceiver} from "./interfaces/IReceiver.sol";
import {IRegistry} from "./interfaces/IRegistry.sol";
import {ITrading} from "./interfaces/ITrading.sol";
import {OracleReadings} from "./base/OracleReadings.sol";

/// @title OracleClient
/// @notice The bridge from the campus AMI head-end to the chain: meter readings in, GRID minted and burned
/// ({OracleReadings}); and on top of it the Chainlink Automation-compatible clearing trigger
/// ({checkUpkeep} / {performUpkeep}) and the CRE receiver ({onReport}), whose reading reports go through the
/// same {OracleReadings} rules.
/// @dev Deliberately not checked: `performData` (an untrusted hint, ignored: the work is read again from
/// `Trading.pendingEpochWork()`), and who calls `Trading` directly (its clearing is permissionless by design).
/// See {OracleReadings} for what the readings side does not check.
contract OracleClient is OracleReadings {
    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @notice CRE report kind: `abi.encode(MeterReading[])`, processed like {submitReadings}.
    uint8 public constant REPORT_READINGS = 1;
    /// @notice CRE report kind: a clearing trigger (empty payload), processed like {performUpkeep}.
    uint8 public constant REPORT_CLEARING = 2;

    /// @notice Upper bound of {matchStepsPerUpkeep}: 250 levels at ≤ 15,000 gas + 40,000 fixed stay < 4.5M gas.
    uint256 public constant MAX_MATCH_STEPS = 250;
    /// @notice Upper bound of {settleOrdersPerUpkeep}, the orders of one settlement slice: 80 orders at the
    /// worst-case {SETTLE_GAS_PER_ORDER} plus {SETTLE_GAS_RESERVE} stay under {UPKEEP_GAS_BUDGET}.
    uint256 public constant MAX_SETTLE_ORDERS = 80;
    /// @notice The gas one upkeep stays under (Chainlink registries allow up to 5,000,000).
    uint256 public constant UPKEEP_GAS_BUDGET = 4_500_000;
    /// @notice Worst-case settlement gas per order (measured: a buyer whose GRID balance was zero, about 40,000),
    /// used to size every settlement slice so that no upkeep passes {UPKEEP_GAS_BUDGET}.
    uint256 public constant SETTLE_GAS_PER_ORDER = 50_000;
    /// @notice Gas kept aside for the bookkeeping around each settlement slice.
    uint256 public constant SETTLE_GAS_RESERVE = 100_000;
    /// @notice The smallest slice worth its call once an upkeep has settled something.
    uint256 private constant MIN_SETTLE_SLICE = 8;

    ITrading private immutable TRADING;

    // One slot: everything an upkeep reads or writes about itself, its caller check included.
    address private _forwarder;
    uint40 private _lastMarketCheck;
    uint16 private _matchSteps;
    uint16 private _settleOrders;
    bool private _autoMarketClearing;

    address private _creForwarder;
    address private _creWorkflowOwner;
    bytes32 private _creWorkflowId;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @dev Emits the events of {OracleReadings}'s constructor, then {UpkeepBatchSizesUpdated} and
    /// {AutoMarketClearingUpdated} for the initial values.
    /// @param registry_ the campus Registry (meters, owners, signers, regulators).
    /// @param gridToken_ GRID; this contract needs its minter and burner roles.
    /// @param trading_ the market the upkeep clears.
    /// @param admin the admin (wiring, pause, funds), also the first oracle operator.
    /// @param adminDelay the delay of a two-step admin transfer, in seconds.
    constructor(
        IRegistry registry_,
        IGridToken gridToken_,
        ITrading trading_,
        address admin,
        uint48 adminDelay
    ) OracleReadings(registry_, gridToken_, admin, adminDelay) {
        require(address(trading_) != address(0), OracleClientZeroAddress());
        TRADING = trading_;
        (_matchSteps, _settleOrders) = (200, 50);
        emit UpkeepBatchSizesUpdated(200, 50);
        _autoMarketClearing = true;
        emit AutoMarketClearingUpdated(true, msg.sender);
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc IOracleClient
    function setAutoMarketClearing(bool enabled) external onlyRecRegulator {
        require(enabled != _autoMarketClearing, OracleClientUnchanged());
        _autoMarketClearing = enabled;
        emit AutoMarketClearingUpdated(enabled, msg.sender);
    }

    /// @inheritdoc IOracleClient
    function setUpkeepBatchSizes(uint256 matchSteps, uint256 settleOrders) external onlyRecRegulator {
        require(
            matchSteps != 0 && matchSteps <= MAX_MATCH_STEPS && settleOrders != 0 && settleOrders <= MAX_SETTLE_ORDERS,
            OracleClientInvalidBatchSizes(matchSteps, settleOrders)
        );
        require(matchSteps != _matchSteps || settleOrders != _settleOrders, OracleClientUnchanged());
        // Both bounded by the MAX_ constants above, far below 2**16.
        _matchSteps = uint16(matchSteps);
        _settleOrders = uint16(settleOrders);
        emit UpkeepBatchSizesUpdated(matchSteps, settleOrders);
    }

    /// @inheritdoc IOracleClient
    function setForwarder(address forwarder_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address previous = _forwarder;
        require(forwarder_ != previous, OracleClientUnchanged());
        _forwarder = forwarder_;
        emit ForwarderUpdated(previous, forwarder_);
    }

    /// @inheritdoc IOracleClient
    function setCreForwarder(address forwarder_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address previous = _creForwarder;
        require(forwarder_ != previous, OracleClientUnchanged());
        _creForwarder = forwarder_;
        emit CreForwarderUpdated(previous, forwarder_);
    }

    /// @inheritdoc IOracleClient
    function setCreWorkflow(bytes32 workflowId, address workflowOwner) external onlyRole(DEFAULT_ADMIN_ROLE) {
        require(workflowId != _creWorkflowId || workflowOwner != _creWorkflowOwner, OracleClientUnchanged());
        _creWorkflowId = workflowId;
        _creWorkflowOwner = workflowOwner;
        emit CreWorkflowUpdated(workflowId, workflowOwner);
    }

    // ──────────────────────────────────────── AUTOMATION ─────────────────────────────────────────

    /// @notice Whether clearing work is due: automatic clearing on, not paused, and `Trading.pendingEpochWork()`
    /// reports work. A plain `view`, callable by ethers and any keeper.
    /// @return upkeepNeeded whether {performUpkeep} would do work.
    /// @return performData `abi.encode(ITrading.Work work, uint256 epoch)`, a hint only.
    function checkUpkeep(bytes calldata) external view override returns (bool upkeepNeeded, bytes memory performData) {
        if (!_autoMarketClearing || paused()) return (false, "");
        (ITrading.Work work, uint256 epoch) = TRADING.pendingEpochWork();
        if (work == ITrading.Work.None) return (false, "");
        return (true, abi.encode(work, epoch));
    }

    /// @inheritdoc IOracleClient
    function performUpkeep(bytes calldata) external override(IOracleClient) whenNotPaused nonReentrant {
        require(msg.sender == _forwarder || _isOracleOperator(msg.sender), OracleClientNotUpkeepCaller(msg.sender));
        _performUpkeep();
    }

    /// @notice Handles a CRE report: `abi.encode(uint8 kind, bytes payload)` with kind {REPORT_READINGS}
    /// (`payload = abi.encode(MeterReading[])`) or {REPORT_CLEARING} (payload ignored).
    /// Requirements: not paused; the caller is the CRE forwarder; the metadata names the allowed workflow (when
    /// one is set); the kind is known; the same requirements as {submitReadings} or {performUpkeep}.
    /// Emits the events of the work done, then a {ReportProcessed} event.
    function onReport(bytes calldata metadata, bytes calldata report) external override whenNotPaused nonReentrant {
        require(msg.sender == _creForwarder, OracleClientNotCreForwarder(msg.sender));
        // metadata = abi.encodePacked(bytes32 workflowId, bytes10 workflowName, address workflowOwner, bytes2 name)
        require(metadata.length >= 62, OracleClientInvalidMetadata(metadata.length));
        bytes32 workflowId = bytes32(metadata[0:32]);
        address workflowOwner = address(bytes20(metadata[42:62]));
        require(
            (_creWorkflowId == bytes32(0) || workflowId == _creWorkflowId) &&
                (_creWorkflowOwner == address(0) || workflowOwner == _creWorkflowOwner),
            OracleClientUnauthorizedWorkflow(workflowId, workflowOwner)
        );

        (uint8 kind, bytes memory payload) = abi.decode(report, (uint8, bytes));
        if (kind == REPORT_READINGS) {
            _processBatch(abi.decode(payload, (MeterReading[])), address(0));
        } else if (kind == REPORT_CLEARING) {
            _performUpkeep();
        } else {
            revert OracleClientUnknownReportKind(kind);
        }
        emit ReportProcessed(kind, workflowId, workflowOwner);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev One bounded slice of clearing, shared by {performUpkeep} and CRE clearing reports.
    function _performUpkeep() private {
        uint256 startGas = gasleft();
        require(_autoMarketClearing, OracleClientAutoClearingDisabled());
        (ITrading.Work work, uint256 epoch) = TRADING.pendingEpochWork();
        require(work != ITrading.Work.None, OracleClientNoUpkeepNeeded());
        _lastMarketCheck = uint40(block.timestamp); // fits 40 bits until the year 36,812

        if (work == ITrading.Work.Match) {
            bool matched = TRADING.matchOrders(epoch, _matchSteps);
            emit UpkeepPerformed(ITrading.Work.Match, epoch, matched, msg.sender);
            // Matching finished: the epoch is settling now; settle with the rest of the budget.
            if (!matched) return;
        }
        _settleWithin(startGas, epoch);
    }

    /// @dev Settles `epoch` in slices of at most {settleOrdersPerUpkeep} orders for as long as the worst case of
    /// the next slice still fits the upkeep's gas budget; the last slices shrink to what fits.
    function _settleWithin(uint256 startGas, uint256 epoch) private {
        uint256 slice = _settleOrders;
        bool done;
        bool settledAny;
        while (!done) {
            uint256 used = startGas - gasleft();
            if (used + SETTLE_GAS_RESERVE + SETTLE_GAS_PER_ORDER > UPKEEP_GAS_BUDGET) break;
            uint256 orders;
            // Cannot underflow: the line above stopped unless used + reserve < budget.
            unchecked {
                orders = (UPKEEP_GAS_BUDGET - used - SETTLE_GAS_RESERVE) / SETTLE_GAS_PER_ORDER;
            }
            if (orders > slice) orders = slice;
            if (settledAny && orders < MIN_SETTLE_SLICE) break;
            done = TRADING.executeTrades(epoch, orders);
            settledAny = true;
        }
        if (settledAny) emit UpkeepPerformed(ITrading.Work.Settle, epoch, done, msg.sender);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @notice ERC-165: the CRE {IReceiver}, {IERC165} and the access-control interfaces.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(AccessControlDefaultAdminRules, IERC165) returns (bool) {
        return interfaceId == type(IReceiver).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IOracleClient
    function trading() external view returns (ITrading) {
        return TRADING;
    }

    /// @inheritdoc IOracleClient
    function autoMarketClearing() external view returns (bool) {
        return _autoMarketClearing;
    }

    /// @inheritdoc IOracleClient
    function lastMarketCheck() external view returns (uint256) {
        return _lastMarketCheck;
    }

    /// @inheritdoc IOracleClient
    function matchStepsPerUpkeep() external view returns (uint256) {
        return _matchSteps;
    }

    /// @inheritdoc IOracleClient
    function settleOrdersPerUpkeep() external view returns (uint256) {
        return _settleOrders;
    }

    /// @inheritdoc IOracleClient
    function forwarder() external view returns (address) {
        return _forwarder;
    }

    /// @inheritdoc IOracleClient
    function creForwarder() external view returns (address) {
        return _creForwarder;
    }

    /// @inheritdoc IOracleClient
    function creWorkflow() external view returns (bytes32 workflowId, address workflowOwner) {
        return (_creWorkflowId, _creWorkflowOwner);
    }
}
