// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IRegistry} from "../interfaces/IRegistry.sol";
import {ITrading} from "../interfaces/ITrading.sol";
import {ITradingSchedule} from "../interfaces/ITradingSchedule.sol";
import {Units} from "../libraries/Units.sol";
import {RegistryGated} from "./RegistryGated.sol";

/// @title TradingConfig
/// @notice The market's schedule (genesis, epoch length), its parameters and its market makers, managed by
/// REC regulators through the Registry. `Trading` inherits it; it holds no tokens and moves none.
/// @dev The parameters are the first state variables after OpenZeppelin's `Pausable` flag, so they share its
/// storage slot: order placement checks the pause and reads every parameter with one cold storage read. This
/// contract inherits `Pausable` itself so that the flag precedes the parameters whatever order `Trading` lists
/// its bases in; test/StorageLayout.test.ts pins the packed slot.
abstract contract TradingConfig is ITrading, RegistryGated, Pausable {
    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @inheritdoc ITrading
    uint256 public constant MAX_PRICE_LEVELS = type(uint16).max;
    /// @dev GRID base units per watt-hour, the unit of stored amounts ({Units.WH}).
    uint256 internal constant WH = Units.WH;
    uint256 private constant MAX_FEE_BPS = 1_000;
    uint256 private constant MAX_ORDERS_LIMIT = 1_000;

    uint256 private immutable GENESIS;
    uint256 private immutable EPOCH_LENGTH;

    /// @dev The parameters order placement reads, widened in memory.
    struct Config {
        uint256 tickSize;
        uint256 maxPrice;
        uint256 minOrderWh;
        uint256 maxOrdersPerUser;
        uint256 feeBps;
    }

    uint64 private _tickSize;
    uint64 private _maxPrice;
    uint32 private _minOrderWh;
    uint16 private _maxOrdersPerUser;
    uint16 private _feeBps;
    address private _feeRecipient;
    mapping(address account => bool) internal _marketMakers;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param registry_ the campus Registry.
    /// @param genesis_ start of epoch 0 (0 = now, rounded down to the epoch length); not in the future.
    /// @param epochLength_ seconds per epoch (60 to 86,400).
    /// @param params the initial market parameters.
    constructor(
        IRegistry registry_,
        uint256 genesis_,
        uint256 epochLength_,
        MarketParameters memory params
    ) RegistryGated(registry_) {
        require(address(registry_) != address(0), TradingZeroAddress());
        require(epochLength_ >= 60 && epochLength_ <= 1 days, TradingInvalidEpochConfig(genesis_, epochLength_));
        if (genesis_ == 0) genesis_ = block.timestamp - (block.timestamp % epochLength_);
        require(genesis_ <= block.timestamp, TradingInvalidEpochConfig(genesis_, epochLength_));
        (GENESIS, EPOCH_LENGTH) = (genesis_, epochLength_);
        _setPriceRules(params.tickSize, params.maxPrice);
        _setMinOrderAmount(params.minOrderAmount);
        _setMaxOrdersPerUser(params.maxOrdersPerUser);
        _setFee(params.feeBps, params.feeRecipient);
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc ITrading
    function addMarketMaker(address account) external onlyRecRegulator {
        require(account != address(0), TradingZeroAddress());
        require(!_marketMakers[account], TradingMarketMakerExists(account));
        _marketMakers[account] = true;
        emit MarketMakerAdded(account, msg.sender);
    }

    /// @inheritdoc ITrading
    function removeMarketMaker(address account) external onlyRecRegulator {
        require(_marketMakers[account], TradingUnknownMarketMaker(account));
        _marketMakers[account] = false;
        emit MarketMakerRemoved(account, msg.sender);
    }

    /// @inheritdoc ITrading
    function setPriceRules(uint256 tickSize_, uint256 maxPrice_) external onlyRecRegulator {
        require(tickSize_ != _tickSize || maxPrice_ != _maxPrice, TradingUnchanged());
        _setPriceRules(tickSize_, maxPrice_);
    }

    /// @inheritdoc ITrading
    function setMinOrderAmount(uint256 minOrderAmount_) external onlyRecRegulator {
        require(minOrderAmount_ != _minOrderWh * WH, TradingUnchanged());
        _setMinOrderAmount(minOrderAmount_);
    }

    /// @inheritdoc ITrading
    function setMaxOrdersPerUser(uint256 maxOrdersPerUser_) external onlyRecRegulator {
        require(maxOrdersPerUser_ != _maxOrdersPerUser, TradingUnchanged());
        _setMaxOrdersPerUser(maxOrdersPerUser_);
    }

    /// @inheritdoc ITrading
    function setFee(uint256 feeBps_, address feeRecipient_) external onlyRecRegulator {
        require(feeBps_ != _feeBps || feeRecipient_ != _feeRecipient, TradingUnchanged());
        _setFee(feeBps_, feeRecipient_);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev All parameters in one read of their shared slot.
    function _config() internal view returns (Config memory) {
        return Config(_tickSize, _maxPrice, _minOrderWh, _maxOrdersPerUser, _feeBps);
    }

    function _setPriceRules(uint256 tickSize_, uint256 maxPrice_) private {
        require(
            tickSize_ != 0 &&
                maxPrice_ != 0 &&
                maxPrice_ <= type(uint64).max &&
                maxPrice_ % tickSize_ == 0 &&
                maxPrice_ / tickSize_ <= MAX_PRICE_LEVELS,
            TradingInvalidPriceRules(tickSize_, maxPrice_)
        );
        (_tickSize, _maxPrice) = (uint64(tickSize_), uint64(maxPrice_));
        emit PriceRulesUpdated(tickSize_, maxPrice_);
    }

    function _setMinOrderAmount(uint256 amount) private {
        require(
            amount != 0 && amount % WH == 0 && amount / WH <= type(uint32).max,
            TradingInvalidMinOrderAmount(amount)
        );
        _minOrderWh = uint32(amount / WH);
        emit MinOrderAmountUpdated(amount);
    }

    function _setMaxOrdersPerUser(uint256 limit) private {
        require(limit != 0 && limit <= MAX_ORDERS_LIMIT, TradingInvalidMaxOrdersPerUser(limit));
        _maxOrdersPerUser = uint16(limit);
        emit MaxOrdersPerUserUpdated(limit);
    }

    function _setFee(uint256 feeBps_, address recipient) private {
        require(feeBps_ <= MAX_FEE_BPS, TradingInvalidFee(feeBps_));
        require(recipient != address(0), TradingZeroAddress());
        (_feeBps, _feeRecipient) = (uint16(feeBps_), recipient);
        emit FeeUpdated(feeBps_, recipient);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc ITradingSchedule
    function currentEpoch() public view returns (uint256) {
        return (block.timestamp - GENESIS) / EPOCH_LENGTH;
    }

    /// @inheritdoc ITradingSchedule
    function epochStart(uint256 epoch) public view returns (uint256) {
        return GENESIS + epoch * EPOCH_LENGTH;
    }

    /// @inheritdoc ITradingSchedule
    function epochEnd(uint256 epoch) public view returns (uint256) {
        return GENESIS + (epoch + 1) * EPOCH_LENGTH;
    }

    /// @inheritdoc ITradingSchedule
    function genesis() external view returns (uint256) {
        return GENESIS;
    }

    /// @inheritdoc ITradingSchedule
    function epochLength() external view returns (uint256) {
        return EPOCH_LENGTH;
    }

    /// @inheritdoc ITrading
    function tickSize() external view returns (uint256) {
        return _tickSize;
    }

    /// @inheritdoc ITrading
    function maxPrice() external view returns (uint256) {
        return _maxPrice;
    }

    /// @inheritdoc ITrading
    function minOrderAmount() external view returns (uint256) {
        return uint256(_minOrderWh) * WH;
    }

    /// @inheritdoc ITrading
    function maxOrdersPerUser() external view returns (uint256) {
        return _maxOrdersPerUser;
    }

    /// @inheritdoc ITrading
    function feeBps() external view returns (uint256) {
        return _feeBps;
    }

    /// @inheritdoc ITrading
    function feeRecipient() public view returns (address) {
        return _feeRecipient;
    }

    /// @inheritdoc ITrading
    function isMarketMaker(address account) external view returns (bool) {
        return _marketMakers[account];
    }

    /// @notice The campus Registry.
    function registry() external view returns (IRegistry) {
        return REGISTRY;
    }
}
