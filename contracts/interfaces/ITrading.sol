// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRegulatorGated} from "./IRegulatorGated.sol";
import {ITradingAccounts} from "./ITradingAccounts.sol";
import {ITradingSchedule} from "./ITradingSchedule.sol";

/// @title ITrading
/// @notice A periodic double auction for campus energy. Orders collect during an epoch (15 minutes by
/// default); after the epoch's end (gate closure) the epoch clears at one uniform price and settles. Orders
/// reserve GRID (sells) or payment token (buys) from the caller's market account ({ITradingAccounts}).
///
/// Clearing rule (exact) for an epoch, over its active orders:
/// 1. Walk bid price levels from the highest down and ask levels from the lowest up. While the bid price is
///    at least the ask price, match `q = min(remaining at the bid level, remaining at the ask level)`, add
///    it to the volume, remember the bid price `b*` and ask price `a*`, and step past the exhausted level(s).
/// 2. Volume 0: nothing trades and every order is refunded in full.
/// 3. Clearing price `p = floor((b* + a*) / 2)`.
/// 4. Bids above `b*` and asks below `a*` fill completely; at `b*` (resp. `a*`) the matched quantity is
///    allocated by time priority (lower order id first, at most one partial fill). Orders beyond fill nothing.
/// 5. A buyer pays `ceil(filled * p / 1e18)` and gets the rest of its escrow back; a seller receives
///    `floor(filled * p / 1e18)` minus `feeBps` and gets its unfilled GRID back. Rounding and fees go to the
///    fee recipient's account.
///
/// Units: `amount` is GRID base units (18 decimals) and a whole number of watt-hours (a multiple of 1e15);
/// `price` is payment-token base units per 1e18 GRID (per kWh). Order ids are `epoch << 32 | sequence`, with
/// the sequence counting from 1 within the epoch, so ids grow with time and index the epoch's order array.
///
/// Storage is reused (see {getOrder}, {getUserOrders}); the full history is in the events.
///
/// @dev Warning: clearing is a resumable state machine. {matchOrders} and {executeTrades} are permissionless
/// once the epoch has ended and do bounded work per call; epochs that received orders clear strictly in order.
/// Deployment emits the parameter setters' events ({PriceRulesUpdated}, {MinOrderAmountUpdated},
/// {MaxOrdersPerUserUpdated}, {FeeUpdated}) for the initial parameters.
interface ITrading is IRegulatorGated, ITradingSchedule, ITradingAccounts {
    // ─────────────────────────────────────────── TYPES ───────────────────────────────────────────

    /// @notice Order side.
    enum Side {
        Buy,
        Sell
    }

    /// @notice Order life cycle: `Open` until cancelled or settled.
    enum OrderStatus {
        None,
        Open,
        Cancelled,
        Settled
    }

    /// @notice Epoch life cycle. `Empty`: no order was ever placed; `Open`: taking orders; `Closed`: ended,
    /// waiting for matching; `Matching`: price discovery under way; `Settling`: price known, orders being
    /// settled; `Settled`: done.
    enum EpochStatus {
        Empty,
        Open,
        Closed,
        Matching,
        Settling,
        Settled
    }

    /// @notice The next piece of clearing work, as told by {pendingEpochWork}.
    enum Work {
        None,
        Match,
        Settle
    }

    /// @notice An order as returned by {getOrder}.
    /// @param owner who placed it.
    /// @param side buy or sell.
    /// @param status open, cancelled or settled.
    /// @param epoch the epoch it belongs to.
    /// @param amount GRID base units ordered.
    /// @param price limit price (payment-token base units per 1e18 GRID).
    /// @param filled GRID base units filled (final once settled).
    struct Order {
        address owner;
        Side side;
        OrderStatus status;
        uint256 epoch;
        uint256 amount;
        uint256 price;
        uint256 filled;
    }

    /// @notice The state and outcome of an epoch's clearing.
    /// @param status see {EpochStatus}.
    /// @param clearingPrice the uniform price (0 until matched, or when nothing crossed).
    /// @param volume GRID base units traded (so far discovered, while matching).
    /// @param bidPrice the marginal bid price `b*`.
    /// @param askPrice the marginal ask price `a*`.
    /// @param orderCount orders placed in the epoch (cancelled ones included).
    /// @param settledCount orders already settled or skipped as cancelled.
    /// @param tickSize the tick size the epoch's prices use.
    /// @param feeBps the fee the epoch's sellers pay.
    struct EpochResult {
        EpochStatus status;
        uint256 clearingPrice;
        uint256 volume;
        uint256 bidPrice;
        uint256 askPrice;
        uint256 orderCount;
        uint256 settledCount;
        uint256 tickSize;
        uint256 feeBps;
    }

    /// @notice Market parameters, set at deployment and by REC regulators.
    /// @param tickSize price granularity; `maxPrice / tickSize` is at most {MAX_PRICE_LEVELS}.
    /// @param maxPrice the regulator's price cap.
    /// @param minOrderAmount the smallest order, in GRID base units (a multiple of 1e15).
    /// @param maxOrdersPerUser orders one account may place per epoch.
    /// @param feeBps trading fee taken from sellers' proceeds, in basis points (at most 1,000).
    /// @param feeRecipient who is credited the fees and rounding remainders.
    struct MarketParameters {
        uint256 tickSize;
        uint256 maxPrice;
        uint256 minOrderAmount;
        uint256 maxOrdersPerUser;
        uint256 feeBps;
        address feeRecipient;
    }

    /// @notice One order of a {createOrders} batch.
    /// @param side buy or sell.
    /// @param amount GRID base units, whole watt-hours.
    /// @param price limit price (payment-token base units per 1e18 GRID).
    struct OrderRequest {
        Side side;
        uint256 amount;
        uint256 price;
    }

    // ─────────────────────────────────────────── EVENTS ──────────────────────────────────────────

    /// @notice Emitted when an order is placed and its escrow reserved: `amount` GRID for a sell,
    /// `ceil(amount * price / 1e18)` payment token for a buy (left to the reader: a data word costs 256 gas).
    event OrderCreated(
        uint256 indexed orderId,
        uint256 indexed epoch,
        address indexed owner,
        Side side,
        uint256 amount,
        uint256 price
    );

    /// @notice Emitted when an order is cancelled and its escrow `refund` returned to the owner's account.
    event OrderCancelled(uint256 indexed orderId, uint256 indexed epoch, address indexed owner, uint256 refund);

    /// @notice Emitted by each {matchOrders} call that walked `levels` price levels; `done` when discovery ended.
    event MatchProgressed(uint256 indexed epoch, uint256 levels, uint256 volume, bool done);

    /// @notice Emitted when price discovery for `epoch` ends (volume 0 means nothing crosses).
    event EpochMatched(
        uint256 indexed epoch,
        uint256 clearingPrice,
        uint256 volume,
        uint256 bidPrice,
        uint256 askPrice
    );

    /// @notice The trade confirmation, emitted for every settled order (also those that filled nothing).
    /// @dev It carries what settlement decided; the rest of the confirmation follows from other events, which
    /// keeps settlement cheap (8 gas per data byte, 375 per topic): the epoch is `orderId >> 32`; the side, the
    /// amount, the limit price and the escrow are in the order's {OrderCreated}; the clearing price is in the
    /// epoch's {EpochMatched}; a sell's fee is `floor(filled * clearingPrice / 1e18) - payment` (a buy's is 0);
    /// the refund to the account is `escrow - payment` for a buy (payment token) and `amount - filled` for a
    /// sell (GRID).
    /// @param filled GRID base units filled.
    /// @param payment buys: payment token paid; sells: payment token received (after the fee).
    event OrderFilled(uint256 indexed orderId, address indexed owner, uint256 filled, uint256 payment);

    /// @notice Emitted when every order of `epoch` is settled; `fees` (fees plus rounding) credited to the account
    /// of `recipient`.
    event EpochSettled(uint256 indexed epoch, uint256 volume, uint256 clearingPrice, uint256 fees, address recipient);

    /// @notice Emitted when `account` becomes a market maker.
    event MarketMakerAdded(address indexed account, address indexed by);

    /// @notice Emitted when `account` stops being a market maker.
    event MarketMakerRemoved(address indexed account, address indexed by);

    /// @notice Emitted when the tick size or the price cap change.
    event PriceRulesUpdated(uint256 tickSize, uint256 maxPrice);

    /// @notice Emitted when the minimum order amount changes.
    event MinOrderAmountUpdated(uint256 minOrderAmount);

    /// @notice Emitted when the per-epoch order limit changes.
    event MaxOrdersPerUserUpdated(uint256 maxOrdersPerUser);

    /// @notice Emitted when the fee or its recipient change.
    event FeeUpdated(uint256 feeBps, address indexed feeRecipient);

    // ─────────────────────────────────────────── ERRORS ──────────────────────────────────────────

    /// @notice `account` may not place a `side` order (not verified, suspended, or selling without being a
    /// prosumer or market maker).
    error TradingNotEligible(address account, Side side);

    /// @notice `amount` is not a whole number of watt-hours, or is too large.
    error TradingInvalidAmount(uint256 amount);

    /// @notice `amount` is below the minimum order amount.
    error TradingAmountBelowMinimum(uint256 amount, uint256 minimum);

    /// @notice `price` is zero or not a multiple of `tickSize`.
    error TradingInvalidPrice(uint256 price, uint256 tickSize);

    /// @notice `price` is above the price cap.
    error TradingPriceAboveCap(uint256 price, uint256 maxPrice);

    /// @notice `account` already placed `limit` orders in `epoch`.
    error TradingOrderLimitReached(address account, uint256 epoch, uint256 limit);

    /// @notice No order has id `orderId`.
    error TradingUnknownOrder(uint256 orderId);

    /// @notice `caller` does not own order `orderId`.
    error TradingNotOrderOwner(uint256 orderId, address caller);

    /// @notice Order `orderId` is `status`, not open.
    error TradingOrderNotOpen(uint256 orderId, OrderStatus status);

    /// @notice The epoch of order `orderId` ended at `closedAt`; its orders are locked until settled.
    error TradingGateClosed(uint256 orderId, uint256 closedAt);

    /// @notice `epoch` ends at `endsAt`; it cannot be cleared before.
    error TradingEpochNotEnded(uint256 epoch, uint256 endsAt);

    /// @notice `epoch` is not the next epoch to clear; `expected` is (0 when none is waiting).
    error TradingEpochNotNext(uint256 epoch, uint256 expected);

    /// @notice `epoch` is in `status`, which does not allow the call.
    error TradingInvalidEpochStatus(uint256 epoch, EpochStatus status);

    /// @notice A batch size of zero was given.
    error TradingZeroBatch();

    /// @notice The tick size / price cap pair is invalid (zero, cap not a multiple of the tick, or too many levels).
    error TradingInvalidPriceRules(uint256 tickSize, uint256 maxPrice);

    /// @notice The minimum order amount is zero, not whole watt-hours, or too large.
    error TradingInvalidMinOrderAmount(uint256 minOrderAmount);

    /// @notice The per-epoch order limit is zero or above 1,000.
    error TradingInvalidMaxOrdersPerUser(uint256 maxOrdersPerUser);

    /// @notice The fee is above 1,000 basis points.
    error TradingInvalidFee(uint256 feeBps);

    /// @notice The epoch length or genesis given at deployment is invalid.
    error TradingInvalidEpochConfig(uint256 genesis, uint256 epochLength);

    /// @notice The zero address was given.
    error TradingZeroAddress();

    /// @notice A setter was called with the values already in force.
    error TradingUnchanged();

    /// @notice `account` already is a market maker.
    error TradingMarketMakerExists(address account);

    /// @notice `account` is not a market maker.
    error TradingUnknownMarketMaker(address account);

    /// @notice An empty batch of orders or cancellations.
    error TradingEmptyBatch();

    /// @notice The storage of order `orderId` was reused by a later epoch; its history is in the events.
    error TradingOrderPruned(uint256 orderId);

    /// @notice The order would take the depth of its price level past 2^32 - 1 Wh (about 4.29 GWh) in this epoch.
    error TradingLevelFull(Side side, uint256 price);

    /// @notice The order list of `account` covers only its latest epoch with orders, `latestEpoch`; earlier
    /// epochs (here `epoch`) are in the events.
    error TradingHistoryPruned(address account, uint256 epoch, uint256 latestEpoch);

    // ─────────────────────────────────────────── ORDERS ──────────────────────────────────────────

    /// @notice Offers `amount` GRID at `price` or more in the current epoch, reserving the GRID from the
    /// caller's account and pulling any shortfall from its wallet.
    /// Requirements: not paused; the caller is a verified prosumer or a market maker; `amount` is whole Wh and at
    /// least {minOrderAmount}; `price` is a positive multiple of {tickSize} and at most {maxPrice}; fewer than
    /// {maxOrdersPerUser} orders this epoch; a GRID allowance of at least the shortfall.
    /// Emits an {OrderCreated} event, and a {Deposited} event when a shortfall was pulled.
    function createSellOrder(uint256 amount, uint256 price) external returns (uint256 orderId);

    /// @notice Bids for `amount` GRID at `price` or less in the current epoch, reserving
    /// `ceil(amount * price / 1e18)` payment token from the caller's account (any shortfall from its wallet).
    /// Requirements: as {createSellOrder}, but the caller is a verified user or a market maker.
    /// Emits an {OrderCreated} event, and a {Deposited} event when a shortfall was pulled.
    function createBuyOrder(uint256 amount, uint256 price) external returns (uint256 orderId);

    /// @notice {createSellOrder} with an EIP-2612 permit of `amount` GRID. A permit that fails (e.g. already
    /// used by a front-runner) is ignored when the allowance suffices anyway.
    function createSellOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 orderId);

    /// @notice {createBuyOrder} with an EIP-2612 permit of the escrow `ceil(amount * price / 1e18)` payment token.
    function createBuyOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 orderId);

    /// @notice Places several orders, of either side, in one call: each as {createBuyOrder}/{createSellOrder},
    /// with the shortfalls of all of them pulled once per token at the end.
    /// Requirements: a non-empty batch; each order as for a single one (the per-epoch limit counts each).
    /// Emits an {OrderCreated} event per order and a {Deposited} event per token pulled.
    /// @return orderIds the ids, in the order of `requests`.
    function createOrders(OrderRequest[] calldata requests) external returns (uint256[] memory orderIds);

    /// @notice Cancels an open order and returns its escrow to the caller's account at once. Works while paused.
    /// Requirements: the caller owns the order; it is open; its epoch has not ended.
    /// Emits an {OrderCancelled} event.
    function cancelOrder(uint256 orderId) external;

    /// @notice {cancelOrder} for each of `orderIds`. Requirements: a non-empty list; each as for one.
    function cancelOrders(uint256[] calldata orderIds) external;

    /// @notice The order `orderId`.
    /// Requirements: it exists, and its storage has not been reused: an order's slot serves a later epoch once
    /// its own epoch is settled and the epoch with orders after the next one has opened (its bank is taken).
    function getOrder(uint256 orderId) external view returns (Order memory);

    /// @notice The ids of the orders `account` placed in `epoch`, in time order (at most {maxOrdersPerUser}).
    /// Empty for an epoch after the account's latest epoch with orders.
    /// Requirements: `epoch` is the account's latest epoch with orders (or later), and its storage was not reused.
    function getUserOrders(address account, uint256 epoch) external view returns (uint256[] memory);

    /// @notice The quantity (GRID base units) placed and not cancelled at `price` on `side` in `epoch`; 0 once the
    /// epoch's matching is over and a later epoch took its depth room (as early as the next epoch's first order).
    function depthAt(uint256 epoch, Side side, uint256 price) external view returns (uint256);

    // ────────────────────────────────────────── CLEARING ─────────────────────────────────────────

    /// @notice Discovers the clearing price of `epoch`, walking at most `maxSteps` price levels; resumable.
    /// Permissionless: the outcome does not depend on the caller or on the slicing.
    /// Requirements: not paused; `maxSteps` > 0; `epoch` has ended and is the next epoch to clear; it is
    /// `Closed` or `Matching`.
    /// Emits a {MatchProgressed} event, and an {EpochMatched} event when done.
    /// @return done whether price discovery is complete.
    function matchOrders(uint256 epoch, uint256 maxSteps) external returns (bool done);

    /// @notice Settles the next `maxOrders` orders of `epoch` in id order, applying the clearing rule: credits
    /// each owner's account, and delivers the batch's bought GRID to the buyers' wallets in one
    /// {IGridToken-transferMany} call (if GRID refuses it, each delivery is credited to the buyer's account instead
    /// of reverting the batch).
    /// Requirements: not paused; `maxOrders` > 0; `epoch` is `Settling`.
    /// Emits an {OrderFilled} event per settled order, and an {EpochSettled} event when done.
    /// @return done whether every order of the epoch is settled.
    function executeTrades(uint256 epoch, uint256 maxOrders) external returns (bool done);

    /// @notice The state and outcome of `epoch`.
    function getEpochResult(uint256 epoch) external view returns (EpochResult memory);

    /// @notice What clearing work is due now, without loops: `Match` or `Settle` on `epoch`, or `None`.
    function pendingEpochWork() external view returns (Work work, uint256 epoch);

    // ─────────────────────────────────────── MARKET MAKERS ───────────────────────────────────────

    /// @notice Lets `account` trade both sides without being a registered prosumer (e.g. the campus
    /// utility posting feed-in and retail tariffs). Requirements: the caller is a REC regulator; `account`
    /// is not zero and not yet a market maker. Emits a {MarketMakerAdded} event.
    function addMarketMaker(address account) external;

    /// @notice Removes a market maker. Its open orders stay. Requirements: the caller is a REC regulator;
    /// `account` is a market maker. Emits a {MarketMakerRemoved} event.
    function removeMarketMaker(address account) external;

    /// @notice Whether `account` is a market maker.
    function isMarketMaker(address account) external view returns (bool);

    // ───────────────────────────────────────── PARAMETERS ────────────────────────────────────────

    /// @notice Sets the tick size and price cap. Takes effect for epochs whose first order comes later
    /// (an epoch keeps the tick of its first order); the cap applies to new orders at once.
    /// Requirements: the caller is a REC regulator; both non-zero; `maxPrice` a multiple of `tickSize`;
    /// `maxPrice / tickSize` at most {MAX_PRICE_LEVELS}; not both unchanged. Emits a {PriceRulesUpdated} event.
    function setPriceRules(uint256 tickSize, uint256 maxPrice) external;

    /// @notice Sets the minimum order amount. Requirements: the caller is a REC regulator; whole Wh, non-zero,
    /// changed. Emits a {MinOrderAmountUpdated} event.
    function setMinOrderAmount(uint256 minOrderAmount) external;

    /// @notice Sets the per-epoch order limit. Requirements: the caller is a REC regulator; 1 to 1,000,
    /// changed. Emits a {MaxOrdersPerUserUpdated} event.
    function setMaxOrdersPerUser(uint256 maxOrdersPerUser) external;

    /// @notice Sets the trading fee and its recipient. An epoch keeps the fee of its first order.
    /// Requirements: the caller is a REC regulator; `feeBps` at most 1,000; recipient not zero; changed.
    /// Emits a {FeeUpdated} event.
    function setFee(uint256 feeBps, address feeRecipient) external;

    /// @notice The number of price levels a tick size / cap pair may span (65,535).
    function MAX_PRICE_LEVELS() external view returns (uint256);

    /// @notice Current price granularity.
    function tickSize() external view returns (uint256);

    /// @notice Current price cap.
    function maxPrice() external view returns (uint256);

    /// @notice Current minimum order amount (GRID base units).
    function minOrderAmount() external view returns (uint256);

    /// @notice Current per-epoch order limit.
    function maxOrdersPerUser() external view returns (uint256);

    /// @notice Current trading fee in basis points.
    function feeBps() external view returns (uint256);

    /// @notice Current fee recipient.
    function feeRecipient() external view returns (address);

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @notice Stops new orders and clearing; cancelling and withdrawing still work. Admin only.
    function pause() external;

    /// @notice Lifts {pause}. Admin only.
    function unpause() external;
}
