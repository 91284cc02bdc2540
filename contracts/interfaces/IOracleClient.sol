// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IReceiver} from "./IReceiver.sol";
import {IRegulatorGated} from "./IRegulatorGated.sol";
import {IRegistry} from "./IRegistry.sol";
import {IGridToken} from "./IGridToken.sol";
import {ITrading} from "./ITrading.sol";

/// @title IOracleClient
/// @notice The bridge from the campus AMI head-end (the smart-meter system) to the chain, and the
/// Chainlink Automation-compatible trigger of market clearing.
///
/// Meter data arrives as cumulative register readings ({MeterReading}) by three ways: a request answered by an
/// oracle operator ({requestEnergyData} / {fulfillEnergyData}), an operator's batch ({submitReadings}), or a batch
/// of readings signed by the meters' own keys relayed by anyone ({submitSignedReadings}); a CRE workflow can
/// deliver the same batch through {onReport}. Every path applies the same rules:
/// 1. the meter is assigned to a verified owner;
/// 2. `readAt` is later than the meter's last accepted reading and not in the future;
/// 3. registers never go down (a regulator resets the baseline of a replaced meter);
/// 4. the first reading of a meter (or the first after {resetMeterBaseline}) only sets the baseline;
/// 5. the energy since the last reading fits the meter's rated power over the elapsed time, and no register is
///    the all-ones sentinel;
/// 6. the export delta mints `deltaWh * 1e15` GRID to the owner; the import delta burns what the owner holds of
///    `deltaWh * 1e15` GRID (the rest came from the utility grid), except the wallet's last base unit: a burn
///    never empties a wallet (1e-18 GRID = 1e-15 Wh stays), so the GRID delivered to it next rewrites its
///    balance slot instead of creating it (17,100 gas less per delivery).
/// Each reading emits {ReadingAccepted} or {ReadingRejected}; a bad reading never blocks the rest of its batch,
/// and a reading is never applied twice because `readAt` strictly increases per meter.
///
/// @dev Warning: when a meter changes hands, regulators should {resetMeterBaseline} so that the new owner is not
/// credited with energy measured before the assignment. The oracle trusts the GridToken and Trading contracts it
/// was deployed with: if GridToken refuses a mint or burn (e.g. it is paused) the whole batch reverts.
/// Deployment emits {OracleOperatorAdded} for the admin and the setters' events for every initial value
/// ({DefaultRatedPowerUpdated}, {RequestTtlUpdated}, {UpkeepBatchSizesUpdated}, {AutoMarketClearingUpdated}).
interface IOracleClient is AutomationCompatibleInterface, IReceiver, IRegulatorGated {
    // ─────────────────────────────────────────── TYPES ───────────────────────────────────────────

    /// @notice One reading of a bidirectional AMI meter. Signed as the EIP-712 struct
    /// `MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)`.
    /// @param meterId the meter, as registered in the Registry.
    /// @param exportWh cumulative energy fed to the grid (generation), in Wh.
    /// @param importWh cumulative energy drawn from the grid (consumption), in Wh.
    /// @param readAt when the meter took the reading (unix seconds).
    struct MeterReading {
        bytes32 meterId;
        uint64 exportWh;
        uint64 importWh;
        uint64 readAt;
    }

    /// @notice What the oracle remembers of a meter (one storage slot).
    /// @param lastReadAt `readAt` of the last accepted reading (0 before the first one).
    /// @param lastExportWh export register of the last accepted reading.
    /// @param lastImportWh import register of the last accepted reading.
    /// @param ratedPowerW the meter's rated power in watts, or 0 to use {defaultRatedPower}.
    /// @param hasBaseline whether the next reading is measured against the registers above.
    struct MeterState {
        uint64 lastReadAt;
        uint64 lastExportWh;
        uint64 lastImportWh;
        uint56 ratedPowerW;
        bool hasBaseline;
    }

    /// @notice Life cycle of a data request.
    enum RequestStatus {
        None,
        Pending,
        Fulfilled
    }

    /// @notice A data request made by {requestEnergyData}.
    /// @param meterId the meter whose reading is requested.
    /// @param requester who asked.
    /// @param expiresAt the last second at which it can be fulfilled.
    /// @param status pending until fulfilled once.
    struct EnergyRequest {
        bytes32 meterId;
        address requester;
        uint64 expiresAt;
        RequestStatus status;
    }

    /// @notice Why a reading was rejected. `None` is never emitted.
    enum RejectReason {
        None,
        MeterNotAssigned,
        OwnerNotVerified,
        StaleReading,
        FutureReading,
        SentinelValue,
        RegisterRollback,
        ImplausibleDelta,
        MissingSigner,
        InvalidSignature
    }

    // ─────────────────────────────────────────── EVENTS ──────────────────────────────────────────

    /// @notice Emitted when a reading of `meterId` is accepted. `minted` and `burned` are GRID base units; both
    /// are 0 for a baseline reading.
    event ReadingAccepted(
        bytes32 indexed meterId,
        address indexed owner,
        uint64 readAt,
        uint64 exportWh,
        uint64 importWh,
        uint256 minted,
        uint256 burned
    );

    /// @notice Emitted when a reading of `meterId` taken at `readAt` is rejected for `reason`. Nothing changes.
    event ReadingRejected(bytes32 indexed meterId, uint64 readAt, RejectReason reason);

    /// @notice Emitted when `requester` asks for a reading of `meterId`, to be fulfilled by `expiresAt`.
    event EnergyDataRequested(
        uint256 indexed requestId,
        bytes32 indexed meterId,
        address indexed requester,
        uint64 expiresAt
    );

    /// @notice Emitted when `operator` fulfils `requestId`; `accepted` tells whether the reading passed the rules.
    event EnergyDataFulfilled(
        uint256 indexed requestId,
        bytes32 indexed meterId,
        address indexed operator,
        bool accepted
    );

    /// @notice Emitted when `account` becomes an oracle operator.
    event OracleOperatorAdded(address indexed account, address indexed by);

    /// @notice Emitted when `account` stops being an oracle operator.
    event OracleOperatorRemoved(address indexed account, address indexed by);

    /// @notice Emitted when `from` adds `amount` wei to the oracle balance, which is now `balance`.
    event OracleFunded(address indexed from, uint256 amount, uint256 balance);

    /// @notice Emitted when `amount` wei of unreserved oracle funds are sent to `to` by the admin `by`.
    event OracleFundsWithdrawn(address indexed to, uint256 amount, address indexed by);

    /// @notice Emitted when `operator` is credited `amount` wei for `readings` accepted readings.
    event RewardsAccrued(address indexed operator, uint256 readings, uint256 amount);

    /// @notice Emitted when `operator` withdraws its `amount` wei of accrued rewards.
    event RewardsWithdrawn(address indexed operator, uint256 amount);

    /// @notice Emitted when the per-reading reward changes.
    event RewardPerReadingUpdated(uint256 previous, uint256 current);

    /// @notice Emitted when the request time-to-live changes.
    event RequestTtlUpdated(uint256 previous, uint256 current);

    /// @notice Emitted when the default rated power changes.
    event DefaultRatedPowerUpdated(uint256 previous, uint256 current);

    /// @notice Emitted when the rated power of `meterId` changes (0 means the default).
    event MeterRatedPowerUpdated(bytes32 indexed meterId, uint256 previous, uint256 current);

    /// @notice Emitted when a regulator resets the baseline of `meterId`; its next reading sets a new one.
    event MeterBaselineReset(bytes32 indexed meterId, address indexed by);

    /// @notice Emitted when automatic market clearing is switched on or off.
    event AutoMarketClearingUpdated(bool enabled, address indexed by);

    /// @notice Emitted when the work done by one upkeep changes.
    event UpkeepBatchSizesUpdated(uint256 matchSteps, uint256 settleOrders);

    /// @notice Emitted when the Chainlink Automation forwarder changes.
    event ForwarderUpdated(address indexed previous, address indexed current);

    /// @notice Emitted when the CRE forwarder changes.
    event CreForwarderUpdated(address indexed previous, address indexed current);

    /// @notice Emitted when the allowed CRE workflow changes (zero values allow any).
    event CreWorkflowUpdated(bytes32 indexed workflowId, address indexed workflowOwner);

    /// @notice Emitted for each slice of clearing work: `work` on `epoch`, `done` when that stage finished,
    /// triggered by `by` (the Automation forwarder, an operator or the CRE forwarder).
    event UpkeepPerformed(ITrading.Work indexed work, uint256 indexed epoch, bool done, address indexed by);

    /// @notice Emitted when a CRE report of `kind` from `workflowId` owned by `workflowOwner` was processed.
    event ReportProcessed(uint8 indexed kind, bytes32 indexed workflowId, address indexed workflowOwner);

    // ─────────────────────────────────────────── ERRORS ──────────────────────────────────────────

    /// @notice `caller` is not an oracle operator.
    error OracleClientNotOracleOperator(address caller);

    /// @notice `caller` is neither the Automation forwarder nor an oracle operator.
    error OracleClientNotUpkeepCaller(address caller);

    /// @notice `caller` is not the configured CRE forwarder.
    error OracleClientNotCreForwarder(address caller);

    /// @notice The report comes from a workflow that is not allowed.
    error OracleClientUnauthorizedWorkflow(bytes32 workflowId, address workflowOwner);

    /// @notice The CRE metadata is `length` bytes, shorter than the 62 bytes holding workflow id and owner.
    error OracleClientInvalidMetadata(uint256 length);

    /// @notice The CRE report is of an unknown `kind`.
    error OracleClientUnknownReportKind(uint8 kind);

    /// @notice `caller` may not request data for `meterId` (only its owner, regulators and operators may).
    error OracleClientNotAuthorizedRequester(address caller, bytes32 meterId);

    /// @notice `meterId` is not assigned to anyone.
    error OracleClientMeterNotAssigned(bytes32 meterId);

    /// @notice `requestId` is not pending (unknown, or already fulfilled).
    error OracleClientRequestNotPending(uint256 requestId, RequestStatus status);

    /// @notice `requestId` expired at `expiresAt`.
    error OracleClientRequestExpired(uint256 requestId, uint64 expiresAt);

    /// @notice The reading for `requestId` is of `given`, but `expected` was requested.
    error OracleClientRequestMeterMismatch(uint256 requestId, bytes32 expected, bytes32 given);

    /// @notice The batch holds `readings` readings and `signatures` signatures.
    error OracleClientLengthMismatch(uint256 readings, uint256 signatures);

    /// @notice The batch holds `length` readings; it must hold 1 to `max`.
    error OracleClientInvalidBatchLength(uint256 length, uint256 max);

    /// @notice The zero address was given.
    error OracleClientZeroAddress();

    /// @notice A zero amount was given.
    error OracleClientZeroAmount();

    /// @notice A setter was called with the value already in force.
    error OracleClientUnchanged();

    /// @notice `account` already is an oracle operator.
    error OracleClientOperatorExists(address account);

    /// @notice `account` is not an oracle operator.
    error OracleClientUnknownOperator(address account);

    /// @notice `watts` is not a valid rated power (1 W to {MAX_RATED_POWER_W}; 0 allowed per meter).
    error OracleClientInvalidRatedPower(uint256 watts);

    /// @notice `ttl` is not between 1 second and {MAX_REQUEST_TTL}.
    error OracleClientInvalidRequestTtl(uint256 ttl);

    /// @notice The upkeep batch sizes are zero or above {MAX_MATCH_STEPS} / {MAX_SETTLE_ORDERS}.
    error OracleClientInvalidBatchSizes(uint256 matchSteps, uint256 settleOrders);

    /// @notice `meterId` has no baseline to reset.
    error OracleClientNoBaseline(bytes32 meterId);

    /// @notice `requested` wei asked from an oracle balance of `available`.
    error OracleClientInsufficientOracleBalance(uint256 requested, uint256 available);

    /// @notice `account` has no rewards to withdraw.
    error OracleClientNothingToWithdraw(address account);

    /// @notice Automatic market clearing is switched off.
    error OracleClientAutoClearingDisabled();

    /// @notice Trading has no clearing work to do.
    error OracleClientNoUpkeepNeeded();

    // ───────────────────────────────────────── READINGS ──────────────────────────────────────────

    /// @notice Asks the oracle operators for a fresh reading of `meterId`.
    /// Requirements: not paused; `meterId` is assigned; the caller is its owner, a REC regulator or an operator.
    /// Emits an {EnergyDataRequested} event.
    /// @return requestId the new request's id (1, 2, 3, ...).
    function requestEnergyData(bytes32 meterId) external returns (uint256 requestId);

    /// @notice Answers `requestId` with `reading`, which is then processed like any other reading. The request is
    /// consumed even when the reading is rejected by the rules.
    /// Requirements: not paused; the caller is an oracle operator; the request is pending and not expired;
    /// `reading.meterId` is the requested meter.
    /// Emits a {ReadingAccepted} or {ReadingRejected} event, then an {EnergyDataFulfilled} event.
    function fulfillEnergyData(uint256 requestId, MeterReading calldata reading) external;

    /// @notice Processes the head-end's batch of readings; bad readings are rejected one by one.
    /// Requirements: not paused; the caller is an oracle operator; 1 to {MAX_BATCH_LENGTH} readings.
    /// Emits a {ReadingAccepted} or {ReadingRejected} event per reading, and {RewardsAccrued} when paid.
    function submitReadings(MeterReading[] calldata readings) external;

    /// @notice Processes readings each signed (EIP-712) by its meter's registered signer, an EOA or an ERC-1271
    /// contract. Anyone may relay; an oracle operator relaying earns the reading reward. A reading whose meter has
    /// no signer or whose signature does not verify is rejected; the batch goes on.
    /// Requirements: not paused; as many signatures as readings; 1 to {MAX_BATCH_LENGTH} readings.
    /// Emits a {ReadingAccepted} or {ReadingRejected} event per reading.
    function submitSignedReadings(MeterReading[] calldata readings, bytes[] calldata signatures) external;

    /// @notice Lets a new meter (or a replaced one) start again: its next reading only sets the baseline.
    /// Requirements: the caller is a REC regulator; the meter has a baseline.
    /// Emits a {MeterBaselineReset} event.
    function resetMeterBaseline(bytes32 meterId) external;

    /// @notice Sets the rated power of `meterId` in watts; 0 returns it to {defaultRatedPower}.
    /// Requirements: the caller is a REC regulator; `watts` at most {MAX_RATED_POWER_W}; changed.
    /// Emits a {MeterRatedPowerUpdated} event.
    function setMeterRatedPower(bytes32 meterId, uint256 watts) external;

    /// @notice Sets the rated power of meters without their own (100,000 W by default).
    /// Requirements: the caller is a REC regulator; 1 to {MAX_RATED_POWER_W}; changed.
    /// Emits a {DefaultRatedPowerUpdated} event.
    function setDefaultRatedPower(uint256 watts) external;

    /// @notice Sets how long a data request stays answerable (1 hour by default).
    /// Requirements: the caller is a REC regulator; 1 s to {MAX_REQUEST_TTL}; changed.
    /// Emits a {RequestTtlUpdated} event.
    function setRequestTtl(uint256 ttl) external;

    // ───────────────────────────────────── OPERATORS & FUNDING ───────────────────────────────────

    /// @notice Makes `account` an oracle operator. Requirements: the caller is a REC regulator; `account` is not
    /// zero and not an operator. Emits an {OracleOperatorAdded} event.
    function addOracleOperator(address account) external;

    /// @notice Removes an oracle operator; its accrued rewards stay withdrawable. Requirements: the caller is a REC
    /// regulator; `account` is an operator. Emits an {OracleOperatorRemoved} event.
    function removeOracleOperator(address account) external;

    /// @notice Adds the native currency sent to {oracleBalance}, which pays the per-reading rewards.
    /// Requirements: a non-zero value. Emits an {OracleFunded} event.
    function fundOracle() external payable;

    /// @notice Sets the reward (wei) an operator earns per accepted reading it submits. Rewards accrue only while
    /// {oracleBalance} covers them; an empty balance never blocks data.
    /// Requirements: the caller is a REC regulator; changed. Emits a {RewardPerReadingUpdated} event.
    function setRewardPerReading(uint256 reward) external;

    /// @notice Sends the caller its accrued rewards. Works while paused and after removal as an operator.
    /// Requirements: something accrued. Emits a {RewardsWithdrawn} event.
    function withdrawRewards() external;

    /// @notice Sends `amount` wei of the unreserved {oracleBalance} to `to`; accrued rewards are not touched.
    /// Requirements: the caller is the admin; `to` not zero; `amount` not zero and at most {oracleBalance}.
    /// Emits an {OracleFundsWithdrawn} event.
    function withdrawOracleFunds(address payable to, uint256 amount) external;

    // ───────────────────────────────────────── AUTOMATION ────────────────────────────────────────

    /// @notice Performs one bounded piece of market clearing: up to {matchStepsPerUpkeep} price levels of matching,
    /// and once matching is done, settlement in slices of up to {settleOrdersPerUpkeep} orders for as long as the
    /// worst case of the next slice ({SETTLE_GAS_PER_ORDER} per order plus {SETTLE_GAS_RESERVE}) still fits
    /// {UPKEEP_GAS_BUDGET}: no upkeep passes the budget, whatever the book. `performData` is an untrusted hint and
    /// is ignored: the work is read again from `Trading.pendingEpochWork()`.
    /// Requirements: not paused; automatic clearing on; the caller is the Automation forwarder or an oracle
    /// operator; Trading has work to do.
    /// Emits an {UpkeepPerformed} event for the matching and one for the settlement it did.
    function performUpkeep(bytes calldata performData) external override;

    /// @notice Switches automatic market clearing on or off (on by default).
    /// Requirements: the caller is a REC regulator; changed. Emits an {AutoMarketClearingUpdated} event.
    function setAutoMarketClearing(bool enabled) external;

    /// @notice Sets how much clearing work one upkeep does.
    /// Requirements: the caller is a REC regulator; 1 to {MAX_MATCH_STEPS} and 1 to {MAX_SETTLE_ORDERS};
    /// not both unchanged. Emits an {UpkeepBatchSizesUpdated} event.
    function setUpkeepBatchSizes(uint256 matchSteps, uint256 settleOrders) external;

    /// @notice Sets the Automation forwarder allowed to call {performUpkeep} (zero: operators only). Admin only.
    /// Requirements: changed. Emits a {ForwarderUpdated} event.
    function setForwarder(address forwarder) external;

    /// @notice Sets the CRE forwarder allowed to call {onReport} (zero: none). Admin only.
    /// Requirements: changed. Emits a {CreForwarderUpdated} event.
    function setCreForwarder(address forwarder) external;

    /// @notice Restricts {onReport} to one workflow id and/or owner (zero values allow any). Admin only.
    /// Requirements: changed. Emits a {CreWorkflowUpdated} event.
    function setCreWorkflow(bytes32 workflowId, address workflowOwner) external;

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @notice Stops every reading path and the upkeep. Funding and withdrawals still work. Admin only.
    function pause() external;

    /// @notice Lifts {pause}. Admin only.
    function unpause() external;

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @notice The Registry consulted for meters, owners, signers and regulators.
    function registry() external view returns (IRegistry);

    /// @notice The GRID token minted and burned for metered energy.
    function gridToken() external view returns (IGridToken);

    /// @notice The market whose clearing the upkeep drives.
    function trading() external view returns (ITrading);

    /// @notice The EIP-712 digest a meter's signer signs for `reading`.
    function readingDigest(MeterReading calldata reading) external view returns (bytes32);

    /// @notice What the oracle remembers of `meterId`.
    function getMeterState(bytes32 meterId) external view returns (MeterState memory);

    /// @notice The rated power (watts) applied to `meterId`: its own or the default.
    function ratedPowerOf(bytes32 meterId) external view returns (uint256);

    /// @notice The data request `requestId` (all zero when unknown).
    function getRequest(uint256 requestId) external view returns (EnergyRequest memory);

    /// @notice Whether `account` is an oracle operator.
    function isOracleOperator(address account) external view returns (bool);

    /// @notice Unreserved funds (wei) that pay future rewards.
    function oracleBalance() external view returns (uint256);

    /// @notice Rewards (wei) accrued to `operator` and not yet withdrawn.
    function accruedRewards(address operator) external view returns (uint256);

    /// @notice Rewards (wei) accrued to all operators and not yet withdrawn.
    function totalAccruedRewards() external view returns (uint256);

    /// @notice The reward (wei) per accepted reading.
    function rewardPerReading() external view returns (uint256);

    /// @notice How long a data request stays answerable, in seconds.
    function requestTtl() external view returns (uint256);

    /// @notice The rated power (watts) of meters without their own.
    function defaultRatedPower() external view returns (uint256);

    /// @notice Whether automatic market clearing is on.
    function autoMarketClearing() external view returns (bool);

    /// @notice Block timestamp of the last {performUpkeep} (or CRE clearing trigger).
    function lastMarketCheck() external view returns (uint256);

    /// @notice Price levels one upkeep may walk.
    function matchStepsPerUpkeep() external view returns (uint256);

    /// @notice Orders in one settlement slice of an upkeep (an upkeep runs as many slices as its gas budget allows).
    function settleOrdersPerUpkeep() external view returns (uint256);

    /// @notice The Chainlink Automation forwarder (zero until registered).
    function forwarder() external view returns (address);

    /// @notice The CRE forwarder (zero until set).
    function creForwarder() external view returns (address);

    /// @notice The allowed CRE workflow id and owner (zero values allow any).
    function creWorkflow() external view returns (bytes32 workflowId, address workflowOwner);
}
