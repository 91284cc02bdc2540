// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IOracleClient} from "../interfaces/IOracleClient.sol";
import {IGridToken} from "../interfaces/IGridToken.sol";
import {IRegistry} from "../interfaces/IRegistry.sol";
import {MeterSlots} from "../libraries/MeterSlots.sol";
import {ReadingValidation} from "../libraries/ReadingValidation.sol";
import {Units} from "../libraries/Units.sol";
import {RegistryGated} from "./RegistryGated.sol";

/// @title OracleReadings
/// @notice The readings half of the OracleClient, complete on its own: meter readings in (requested, operator
/// batches, signed batches), GRID minted and burned, oracle operators, funding and rewards, pause.
/// `OracleClient` adds the Chainlink Automation / CRE clearing trigger on top and feeds CRE reading reports
/// through {_processBatch}.
/// @dev Deliberately not checked: the physical truth of an operator's readings (operators are trusted by the
/// regulators; {submitSignedReadings} removes that trust); the order in which relayers submit signed readings
/// (registers are cumulative, so a reading rejected as stale loses no energy); meter hand-overs (regulators
/// reset the baseline). The oracle holds native currency only for rewards; it never holds GRID.
abstract contract OracleReadings is
    IOracleClient,
    RegistryGated,
    AccessControlDefaultAdminRules,
    Pausable,
    ReentrancyGuardTransient,
    EIP712
{
    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @notice EIP-712 type hash of {MeterReading}.
    bytes32 public constant METER_READING_TYPEHASH = keccak256(
        "MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)"
    );
    /// @notice GRID base units per Wh (1 GRID = 1 kWh = 1e18 base units): {Units.WH}.
    uint256 public constant GRID_PER_WH = Units.WH;
    /// @notice Most readings one call may carry.
    uint256 public constant MAX_BATCH_LENGTH = 300;
    /// @notice Highest rated power a meter may be given (1 GW).
    uint256 public constant MAX_RATED_POWER_W = 1e9;
    /// @notice Longest time-to-live of a data request.
    uint256 public constant MAX_REQUEST_TTL = 7 days;

    IGridToken private immutable GRID_TOKEN;

    mapping(bytes32 meterId => MeterState) private _meters;
    mapping(uint256 requestId => EnergyRequest) private _requests;
    mapping(address account => bool) private _operators;
    mapping(address operator => uint256) private _accruedRewards;

    uint256 private _oracleBalance;
    uint256 private _totalAccruedRewards;
    uint256 private _rewardPerReading;
    uint256 private _lastRequestId;
    uint56 private _defaultRatedPower;
    uint64 private _requestTtl;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @dev Emits {OracleOperatorAdded}, {DefaultRatedPowerUpdated} and {RequestTtlUpdated} for the initial values.
    /// @param registry_ the campus Registry (meters, owners, signers, regulators).
    /// @param gridToken_ GRID; this contract needs its minter and burner roles.
    /// @param admin the admin (wiring, pause, funds), also the first oracle operator.
    /// @param adminDelay the delay of a two-step admin transfer, in seconds.
    constructor(
        IRegistry registry_,
        IGridToken gridToken_,
        address admin,
        uint48 adminDelay
    )
        RegistryGated(registry_)
        AccessControlDefaultAdminRules(adminDelay, admin)
        EIP712("GridMarket OracleClient", "1")
    {
        require(address(registry_) != address(0) && address(gridToken_) != address(0), OracleClientZeroAddress());
        GRID_TOKEN = gridToken_;
        _operators[admin] = true;
        emit OracleOperatorAdded(admin, msg.sender);
        _defaultRatedPower = 100_000;
        emit DefaultRatedPowerUpdated(0, 100_000);
        _requestTtl = 1 hours;
        emit RequestTtlUpdated(0, 1 hours);
    }

    // ───────────────────────────────────────── MODIFIERS ─────────────────────────────────────────

    modifier onlyOracleOperator() {
        require(_operators[msg.sender], OracleClientNotOracleOperator(msg.sender));
        _;
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc IOracleClient
    function addOracleOperator(address account) external onlyRecRegulator {
        require(account != address(0), OracleClientZeroAddress());
        require(!_operators[account], OracleClientOperatorExists(account));
        _operators[account] = true;
        emit OracleOperatorAdded(account, msg.sender);
    }

    /// @inheritdoc IOracleClient
    function removeOracleOperator(address account) external onlyRecRegulator {
        require(_operators[account], OracleClientUnknownOperator(account));
        _operators[account] = false;
        emit OracleOperatorRemoved(account, msg.sender);
    }

    /// @inheritdoc IOracleClient
    function setRewardPerReading(uint256 reward) external onlyRecRegulator {
        uint256 previous = _rewardPerReading;
        require(reward != previous, OracleClientUnchanged());
        _rewardPerReading = reward;
        emit RewardPerReadingUpdated(previous, reward);
    }

    /// @inheritdoc IOracleClient
    function setRequestTtl(uint256 ttl) external onlyRecRegulator {
        require(ttl != 0 && ttl <= MAX_REQUEST_TTL, OracleClientInvalidRequestTtl(ttl));
        uint256 previous = _requestTtl;
        require(ttl != previous, OracleClientUnchanged());
        _requestTtl = uint64(ttl); // at most MAX_REQUEST_TTL
        emit RequestTtlUpdated(previous, ttl);
    }

    /// @inheritdoc IOracleClient
    function setDefaultRatedPower(uint256 watts) external onlyRecRegulator {
        require(watts != 0 && watts <= MAX_RATED_POWER_W, OracleClientInvalidRatedPower(watts));
        uint256 previous = _defaultRatedPower;
        require(watts != previous, OracleClientUnchanged());
        _defaultRatedPower = uint56(watts); // at most MAX_RATED_POWER_W < 2**56
        emit DefaultRatedPowerUpdated(previous, watts);
    }

    /// @inheritdoc IOracleClient
    function setMeterRatedPower(bytes32 meterId, uint256 watts) external onlyRecRegulator {
        require(watts <= MAX_RATED_POWER_W, OracleClientInvalidRatedPower(watts));
        MeterState storage state = _meters[meterId];
        uint256 previous = state.ratedPowerW;
        require(watts != previous, OracleClientUnchanged());
        state.ratedPowerW = uint56(watts); // at most MAX_RATED_POWER_W < 2**56
        emit MeterRatedPowerUpdated(meterId, previous, watts);
    }

    /// @inheritdoc IOracleClient
    function resetMeterBaseline(bytes32 meterId) external onlyRecRegulator {
        MeterState storage state = _meters[meterId];
        require(state.hasBaseline, OracleClientNoBaseline(meterId));
        // lastReadAt stays: readings older than the reset can never be applied.
        state.hasBaseline = false;
        emit MeterBaselineReset(meterId, msg.sender);
    }

    /// @inheritdoc IOracleClient
    function withdrawOracleFunds(
        address payable to,
        uint256 amount
    ) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        require(to != address(0), OracleClientZeroAddress());
        require(amount != 0, OracleClientZeroAmount());
        uint256 available = _oracleBalance;
        require(amount <= available, OracleClientInsufficientOracleBalance(amount, available));
        // Cannot underflow: amount <= available was required above.
        unchecked {
            _oracleBalance = available - amount;
        }
        emit OracleFundsWithdrawn(to, amount, msg.sender);
        Address.sendValue(to, amount);
    }

    /// @inheritdoc IOracleClient
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc IOracleClient
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ──────────────────────────────────────── USER ACTIONS ───────────────────────────────────────

    /// @inheritdoc IOracleClient
    function requestEnergyData(bytes32 meterId) external whenNotPaused nonReentrant returns (uint256 requestId) {
        address owner = REGISTRY.getMeterOwner(meterId);
        require(owner != address(0), OracleClientMeterNotAssigned(meterId));
        require(
            msg.sender == owner || _operators[msg.sender] || REGISTRY.isRecRegulator(msg.sender),
            OracleClientNotAuthorizedRequester(msg.sender, meterId)
        );
        requestId = ++_lastRequestId;
        uint64 expiresAt = uint64(block.timestamp) + _requestTtl;
        _requests[requestId] = EnergyRequest(meterId, msg.sender, expiresAt, RequestStatus.Pending);
        emit EnergyDataRequested(requestId, meterId, msg.sender, expiresAt);
    }

    /// @inheritdoc IOracleClient
    function fulfillEnergyData(
        uint256 requestId,
        MeterReading calldata reading
    ) external whenNotPaused nonReentrant onlyOracleOperator {
        EnergyRequest storage request = _requests[requestId];
        RequestStatus status = request.status;
        require(status == RequestStatus.Pending, OracleClientRequestNotPending(requestId, status));
        require(block.timestamp <= request.expiresAt, OracleClientRequestExpired(requestId, request.expiresAt));
        bytes32 meterId = request.meterId;
        require(reading.meterId == meterId, OracleClientRequestMeterMismatch(requestId, meterId, reading.meterId));
        request.status = RequestStatus.Fulfilled;
        bool accepted = _processReading(reading);
        emit EnergyDataFulfilled(requestId, meterId, msg.sender, accepted);
        if (accepted) _accrueRewards(msg.sender, 1);
    }

    /// @inheritdoc IOracleClient
    function submitReadings(MeterReading[] calldata readings) external whenNotPaused nonReentrant onlyOracleOperator {
        _processBatch(readings, msg.sender);
    }

    /// @inheritdoc IOracleClient
    function submitSignedReadings(
        MeterReading[] calldata readings,
        bytes[] calldata signatures
    ) external whenNotPaused nonReentrant {
        uint256 length = readings.length;
        _checkBatchLength(length);
        require(signatures.length == length, OracleClientLengthMismatch(length, signatures.length));
        uint256 accepted;
        for (uint256 i; i < length; ++i) {
            MeterReading memory reading = readings[i];
            address signer = REGISTRY.getMeterSigner(reading.meterId);
            if (signer == address(0)) {
                _reject(reading, RejectReason.MissingSigner);
            } else if (!SignatureChecker.isValidSignatureNowCalldata(signer, _digest(reading), signatures[i])) {
                _reject(reading, RejectReason.InvalidSignature);
            } else if (_processReading(reading)) {
                ++accepted;
            }
        }
        if (_operators[msg.sender]) _accrueRewards(msg.sender, accepted);
    }

    /// @inheritdoc IOracleClient
    function fundOracle() external payable {
        require(msg.value != 0, OracleClientZeroAmount());
        uint256 balance = _oracleBalance + msg.value;
        _oracleBalance = balance;
        emit OracleFunded(msg.sender, msg.value, balance);
    }

    /// @inheritdoc IOracleClient
    function withdrawRewards() external nonReentrant {
        uint256 amount = _accruedRewards[msg.sender];
        require(amount != 0, OracleClientNothingToWithdraw(msg.sender));
        _accruedRewards[msg.sender] = 0;
        // Cannot underflow: the total is the sum of all accrued rewards, this one included.
        unchecked {
            _totalAccruedRewards -= amount;
        }
        emit RewardsWithdrawn(msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev Applies every rule of SPEC 7.1 to one reading; shared by all the ways readings come in.
    function _processReading(MeterReading memory reading) private returns (bool accepted) {
        bytes32 meterId = reading.meterId;
        (address owner, bool verified) = REGISTRY.getMeterOwnerStatus(meterId);
        if (owner == address(0)) return _reject(reading, RejectReason.MeterNotAssigned);
        if (!verified) return _reject(reading, RejectReason.OwnerNotVerified);

        MeterState memory state = MeterSlots.load(_meters[meterId]);
        uint256 ratedPowerW = state.ratedPowerW == 0 ? _defaultRatedPower : state.ratedPowerW;
        (RejectReason reason, uint256 exportDelta, uint256 importDelta) = ReadingValidation.check(
            state,
            reading,
            block.timestamp,
            ratedPowerW
        );
        if (reason != RejectReason.None) return _reject(reading, reason);

        MeterSlots.record(_meters[meterId], reading.readAt, reading.exportWh, reading.importWh, state.ratedPowerW);
        _mintAndBurn(reading, owner, exportDelta, importDelta);
        return true;
    }

    /// @dev Mints the exported energy to `owner` and burns the imported energy from what it holds (the new GRID
    /// included) for an accepted reading, except the wallet's last base unit (1e-18 GRID, 1e-15 Wh): a wallet that
    /// holds GRID never returns to zero, so the GRID delivered to it next rewrites its balance (5,000 gas) instead
    /// of creating it (22,100).
    function _mintAndBurn(
        MeterReading memory reading,
        address owner,
        uint256 exportDelta,
        uint256 importDelta
    ) private {
        uint256 minted = exportDelta * GRID_PER_WH;
        uint256 burned;
        if (importDelta != 0) {
            uint256 available = GRID_TOKEN.balanceOf(owner) + minted;
            if (available > 1) {
                uint256 due = importDelta * GRID_PER_WH;
                // Cannot underflow: available > 1.
                unchecked {
                    burned = due < available - 1 ? due : available - 1;
                }
            }
        }
        bytes32 meterId = reading.meterId;
        emit ReadingAccepted(meterId, owner, reading.readAt, reading.exportWh, reading.importWh, minted, burned);
        if (minted != 0) GRID_TOKEN.mint(owner, minted, meterId);
        if (burned != 0) GRID_TOKEN.burn(owner, burned, meterId);
    }

    /// @dev Runs a batch through {_processReading}, then pays `rewardee` (zero: nobody) for the accepted readings.
    /// Also the entry of CRE reading reports (see `OracleClient.onReport`).
    function _processBatch(MeterReading[] memory readings, address rewardee) internal {
        uint256 length = readings.length;
        _checkBatchLength(length);
        uint256 accepted;
        for (uint256 i; i < length; ++i) {
            if (_processReading(readings[i])) ++accepted;
        }
        if (rewardee != address(0)) _accrueRewards(rewardee, accepted);
    }

    /// @dev Moves the reward for `readings` accepted readings from the oracle balance to `operator`, as far as the
    /// balance covers whole rewards.
    function _accrueRewards(address operator, uint256 readings) private {
        uint256 reward = _rewardPerReading;
        if (reward == 0 || readings == 0) return;
        uint256 balance = _oracleBalance;
        uint256 affordable = balance / reward;
        uint256 paid = readings < affordable ? readings : affordable;
        if (paid == 0) return;
        uint256 amount = paid * reward; // at most balance: paid <= balance / reward
        // Cannot underflow: amount <= balance (line above).
        unchecked {
            _oracleBalance = balance - amount;
        }
        _accruedRewards[operator] += amount;
        _totalAccruedRewards += amount;
        emit RewardsAccrued(operator, paid, amount);
    }

    function _reject(MeterReading memory reading, RejectReason reason) private returns (bool) {
        emit ReadingRejected(reading.meterId, reading.readAt, reason);
        return false;
    }

    function _checkBatchLength(uint256 length) private pure {
        require(length != 0 && length <= MAX_BATCH_LENGTH, OracleClientInvalidBatchLength(length, MAX_BATCH_LENGTH));
    }

    function _digest(MeterReading memory reading) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        METER_READING_TYPEHASH,
                        reading.meterId,
                        reading.exportWh,
                        reading.importWh,
                        reading.readAt
                    )
                )
            );
    }

    function _isOracleOperator(address account) internal view returns (bool) {
        return _operators[account];
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc IOracleClient
    function registry() external view returns (IRegistry) {
        return REGISTRY;
    }

    /// @inheritdoc IOracleClient
    function gridToken() external view returns (IGridToken) {
        return GRID_TOKEN;
    }

    /// @inheritdoc IOracleClient
    function readingDigest(MeterReading calldata reading) external view returns (bytes32) {
        return _digest(reading);
    }

    /// @inheritdoc IOracleClient
    function getMeterState(bytes32 meterId) external view returns (MeterState memory) {
        return _meters[meterId];
    }

    /// @inheritdoc IOracleClient
    function ratedPowerOf(bytes32 meterId) external view returns (uint256) {
        uint256 own = _meters[meterId].ratedPowerW;
        return own == 0 ? _defaultRatedPower : own;
    }

    /// @inheritdoc IOracleClient
    function getRequest(uint256 requestId) external view returns (EnergyRequest memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IOracleClient
    function isOracleOperator(address account) external view returns (bool) {
        return _operators[account];
    }

    /// @inheritdoc IOracleClient
    function oracleBalance() external view returns (uint256) {
        return _oracleBalance;
    }

    /// @inheritdoc IOracleClient
    function accruedRewards(address operator) external view returns (uint256) {
        return _accruedRewards[operator];
    }

    /// @inheritdoc IOracleClient
    function totalAccruedRewards() external view returns (uint256) {
        return _totalAccruedRewards;
    }

    /// @inheritdoc IOracleClient
    function rewardPerReading() external view returns (uint256) {
        return _rewardPerReading;
    }

    /// @inheritdoc IOracleClient
    function requestTtl() external view returns (uint256) {
        return _requestTtl;
    }

    /// @inheritdoc IOracleClient
    function defaultRatedPower() external view returns (uint256) {
        return _defaultRatedPower;
    }
}
