// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRegistry} from "./interfaces/IRegistry.sol";
import {ITrading} from "./interfaces/ITrading.sol";
import {Auction} from "./libraries/Auction.sol";
import {Clearing} from "./libraries/Clearing.sol";
import {EpochQueue} from "./libraries/EpochQueue.sol";
import {MarketAccounts} from "./libraries/MarketAccounts.sol";
import {OrderSlots} from "./libraries/OrderSlots.sol";
import {Rooms} from "./libraries/Rooms.sol";
import {Settlement} from "./libraries/Settlement.sol";
import {TradingViews} from "./libraries/TradingViews.sol";
import {TradingAccounts} from "./base/TradingAccounts.sol";
import {TradingConfig} from "./base/TradingConfig.sol";

/// @title Trading
/// @notice The campus periodic double auction: market accounts, one uniform price per epoch, bounded-gas
/// resumable clearing. See {ITrading} for the exact clearing rule and the accounts.
/// @dev Deliberately not checked: the payment token's behaviour beyond exact-amount transfers in (a token that
/// charges fees on transfer is refused); cancelled orders keep counting towards the per-epoch order limit (no
/// cancel/re-place spam). No function moves a user's tokens except placing and cancelling its own orders,
/// settling by the clearing rule, and the owner's own deposits and withdrawals: no role has a path to them.
contract Trading is AccessControlDefaultAdminRules, Pausable, ReentrancyGuardTransient, TradingConfig, TradingAccounts {
    using Auction for Auction.Book;
    using MarketAccounts for MarketAccounts.Account;

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @dev The working state of one call that places orders, written back once at its end.
    struct Placement {
        Config config;
        uint256 epoch;
        uint256 tick;
        uint256 rooms;
        uint256 seq;
        MarketAccounts.Account account;
        uint8 canSell; // eligibility: 0 not asked yet, 1 yes, 2 no
        uint8 canBuy;
        uint256 pullWh;
        uint256 pullPayment;
    }

    /// @dev Epochs that received orders, cleared strictly in this order: [_queueHead, _queueTail) ({EpochQueue}).
    uint64 private _queueHead;
    uint64 private _queueTail;
    mapping(uint256 slot => uint256 epochs) private _queue;

    mapping(uint256 epoch => Auction.Book) private _books;
    /// @dev The clearing state of the epoch at the head of the queue, reused by every epoch.
    Auction.Cursor private _cursor;
    /// @dev Orders by {OrderSlots.key}; bank slots are reused across epochs.
    mapping(uint256 slotKey => OrderSlots.Order) private _orders;
    /// @dev Cuts (first slot) of bank rooms, depth and bitmaps of depth rooms ({OrderSlots.room}, {Rooms}).
    mapping(uint256 room => Auction.Levels) private _levels;
    Rooms.DepthHolders private _depthHolders;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param registry_ the campus Registry.
    /// @param gridToken_ GRID, the energy traded.
    /// @param paymentToken_ the money (a stablecoin or campus credit).
    /// @param genesis_ start of epoch 0 (0 = now, rounded down to the epoch length).
    /// @param epochLength_ seconds per epoch (60 to 86,400).
    /// @param params the initial market parameters.
    /// @param admin the admin (pause, two-step admin transfer).
    /// @param adminDelay the delay of a two-step admin transfer, in seconds.
    constructor(
        IRegistry registry_,
        IERC20 gridToken_,
        IERC20 paymentToken_,
        uint256 genesis_,
        uint256 epochLength_,
        MarketParameters memory params,
        address admin,
        uint48 adminDelay
    )
        AccessControlDefaultAdminRules(adminDelay, admin)
        TradingConfig(registry_, genesis_, epochLength_, params)
        TradingAccounts(gridToken_, paymentToken_)
    {
        // Both cursor slots start non-zero, so that no epoch's clearing pays for fresh storage.
        Auction.initCursor(_cursor);
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc ITrading
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc ITrading
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ─────────────────────────────────────── USER ACTIONS ────────────────────────────────────────

    /// @inheritdoc ITrading
    function createSellOrder(uint256 amount, uint256 price) external nonReentrant returns (uint256 orderId) {
        return _createOne(Side.Sell, amount, price);
    }

    /// @inheritdoc ITrading
    function createBuyOrder(uint256 amount, uint256 price) external nonReentrant returns (uint256 orderId) {
        return _createOne(Side.Buy, amount, price);
    }

    /// @inheritdoc ITrading
    function createSellOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 orderId) {
        _tryPermit(GRID, amount, deadline, v, r, s);
        return _createOne(Side.Sell, amount, price);
    }

    /// @inheritdoc ITrading
    function createBuyOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 orderId) {
        _tryPermit(PAYMENT, Settlement.buyerCost(amount / WH, price), deadline, v, r, s);
        return _createOne(Side.Buy, amount, price);
    }

    /// @inheritdoc ITrading
    function createOrders(OrderRequest[] calldata requests) external nonReentrant returns (uint256[] memory ids) {
        require(requests.length != 0, TradingEmptyBatch());
        Placement memory p = _beginPlacement();
        ids = new uint256[](requests.length);
        for (uint256 i; i < requests.length; ++i) {
            ids[i] = _place(p, requests[i].side, requests[i].amount, requests[i].price);
        }
        _endPlacement(p);
    }

    /// @inheritdoc ITrading
    function cancelOrder(uint256 orderId) external nonReentrant {
        _cancel(orderId);
    }

    /// @inheritdoc ITrading
    function cancelOrders(uint256[] calldata orderIds) external nonReentrant {
        require(orderIds.length != 0, TradingEmptyBatch());
        for (uint256 i; i < orderIds.length; ++i) _cancel(orderIds[i]);
    }

    // ───────────────────────────────────────── AUTOMATION ────────────────────────────────────────

    /// @inheritdoc ITrading
    function matchOrders(uint256 epoch, uint256 maxSteps) external nonReentrant whenNotPaused returns (bool done) {
        require(maxSteps != 0, TradingZeroBatch());
        uint256 expected = _nextEpochToClear();
        require(epoch == expected && _queueHead != _queueTail, TradingEpochNotNext(epoch, expected));
        uint256 endsAt = epochEnd(epoch);
        require(block.timestamp >= endsAt, TradingEpochNotEnded(epoch, endsAt));
        Auction.Book storage book = _books[epoch];
        Auction.Phase phase = book.phase;
        require(
            phase == Auction.Phase.Open || phase == Auction.Phase.Matching,
            TradingInvalidEpochStatus(epoch, _status(book, epoch))
        );

        Auction.Levels storage levels = _depth(epoch, book.rooms);
        if (phase == Auction.Phase.Open) book.start(levels, _cursor, epoch + 1);
        uint256 steps;
        (done, steps) = book.walk(levels, _cursor, maxSteps, epoch + 1);
        emit MatchProgressed(epoch, steps, uint256(book.volume) * WH, done);
        if (done) {
            uint256 price = book.finish(levels, _cursor, epoch + 1);
            uint256 tick = book.tickSize;
            emit EpochMatched(epoch, price, uint256(book.volume) * WH, book.bidStar * tick, book.askStar * tick);
        }
    }

    /// @inheritdoc ITrading
    function executeTrades(uint256 epoch, uint256 maxOrders) external nonReentrant whenNotPaused returns (bool done) {
        require(maxOrders != 0, TradingZeroBatch());
        Auction.Book storage book = _books[epoch];
        require(book.phase == Auction.Phase.Settling, TradingInvalidEpochStatus(epoch, _status(book, epoch)));

        uint256 settled = book.settled;
        uint256 count = book.orderCount;
        uint256 last = count;
        // Cannot underflow: settled <= count. Any batch size, up to the largest uint256, means "at most".
        unchecked {
            if (maxOrders < count - settled) last = settled + maxOrders;
            else done = true;
        }
        if (done) {
            // Cannot overflow: one queue entry per epoch.
            unchecked {
                ++_queueHead;
            }
        }
        Clearing.settle(
            book,
            _bankRoom(epoch, book.rooms),
            _cursor,
            _orders,
            _accounts,
            Clearing.Batch(epoch, settled + 1, last, done, GRID, address(PAYMENT), done ? feeRecipient() : address(0))
        );
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev One order in one call.
    function _createOne(Side side, uint256 amount, uint256 price) private returns (uint256 orderId) {
        Placement memory p = _beginPlacement();
        orderId = _place(p, side, amount, price);
        _endPlacement(p);
    }

    /// @dev Reads what placing orders needs, once per call: the parameters, the epoch's book and the account.
    function _beginPlacement() private whenNotPaused returns (Placement memory p) {
        p.config = _config();
        p.epoch = currentEpoch();
        Auction.Book storage book = _books[p.epoch];
        (p.tick, p.rooms, p.seq) = (book.tickSize, book.rooms, book.orderCount);
        if (p.tick == 0) (p.tick, p.rooms) = _openEpoch(book, p.epoch, p.config);
        p.account = _accounts[msg.sender].load();
        if (p.account.epoch != p.epoch)
            (p.account.epoch, p.account.inEpoch, p.account.lastSeq) = (uint32(p.epoch), 0, 0);
    }

    /// @dev Validates and stores one order, reserving its escrow from the account (or noting the shortfall).
    function _place(Placement memory p, Side side, uint256 amount, uint256 price) private returns (uint256 orderId) {
        require(_eligible(p, side), TradingNotEligible(msg.sender, side));
        uint256 wh = amount / WH;
        require(amount % WH == 0 && wh <= type(uint32).max, TradingInvalidAmount(amount));
        require(wh >= p.config.minOrderWh, TradingAmountBelowMinimum(amount, p.config.minOrderWh * WH));
        require(price <= p.config.maxPrice, TradingPriceAboveCap(price, p.config.maxPrice));
        uint256 level = price / p.tick;
        require(price != 0 && price % p.tick == 0 && level <= MAX_PRICE_LEVELS, TradingInvalidPrice(price, p.tick));
        uint256 limit = p.config.maxOrdersPerUser;
        require(p.account.inEpoch < limit, TradingOrderLimitReached(msg.sender, p.epoch, limit));

        // Cannot overflow: at most 1,000 orders per account and epoch; 2^32 orders in one epoch would need 2^22
        // accounts placing the maximum.
        uint256 seq;
        unchecked {
            seq = ++p.seq;
            ++p.account.inEpoch;
        }
        orderId = (p.epoch << 32) | seq;
        OrderSlots.store(_orders[_key(p.epoch, p.rooms, seq)], msg.sender, side, level, wh, p.account.lastSeq);
        p.account.lastSeq = uint32(seq);
        bool fits = Auction.addDepth(_depth(p.epoch, p.rooms), p.epoch + 1, uint256(side), level, wh);
        require(fits, TradingLevelFull(side, price));

        uint256 escrow = side == Side.Sell ? amount : Settlement.buyerCost(wh, price);
        _reserve(p, side, side == Side.Sell ? wh : escrow);
        emit OrderCreated(orderId, p.epoch, msg.sender, side, amount, price);
    }

    /// @dev Takes `need` (Wh of GRID, or payment base units) from the account, noting what it lacks.
    function _reserve(Placement memory p, Side side, uint256 need) private pure {
        uint256 free = side == Side.Sell ? p.account.gridWh : p.account.payment;
        uint256 taken = need < free ? need : free;
        // Cannot underflow: taken <= free and taken <= need.
        unchecked {
            if (side == Side.Sell) {
                p.account.gridWh = uint56(free - taken);
                p.pullWh += need - taken;
            } else {
                p.account.payment = uint112(free - taken);
                p.pullPayment += need - taken;
            }
        }
    }

    /// @dev Writes back the book's order count and the account, then pulls the shortfalls from the wallet.
    function _endPlacement(Placement memory p) private {
        _books[p.epoch].orderCount = uint32(p.seq);
        _accounts[msg.sender].store(p.account);
        if (p.pullWh != 0) _pull(GRID, p.pullWh * WH);
        if (p.pullPayment != 0) _pull(PAYMENT, p.pullPayment);
    }

    /// @dev Whether the caller may place a `side` order, asking the Registry at most once per side and call.
    function _eligible(Placement memory p, Side side) private view returns (bool) {
        bool sell = side == Side.Sell;
        uint8 known = sell ? p.canSell : p.canBuy;
        if (known == 0) {
            // The Registry first: market makers are few, and their flag would cost everyone a cold read.
            bool ok =
                (sell ? REGISTRY.isProsumer(msg.sender) : REGISTRY.isUserVerified(msg.sender)) ||
                    _marketMakers[msg.sender];
            known = ok ? 1 : 2;
            if (sell) p.canSell = known;
            else p.canBuy = known;
        }
        return known == 1;
    }

    /// @dev First order of an epoch: snapshot tick and fee, take a bank and a depth room, queue the epoch.
    function _openEpoch(
        Auction.Book storage book,
        uint256 epoch,
        Config memory config
    ) private returns (uint256 tick, uint256 rooms) {
        uint64 tail = _queueTail;
        // The epoch opened last keeps its bank: its orders stay readable through this epoch.
        uint256 bank = Rooms.freeBank(_levels, _books, tail == 0 ? 0 : EpochQueue.at(_queue, tail - 1) + 1);
        Auction.takeRoom(_levels[OrderSlots.room(epoch, bank)], epoch);
        rooms = Rooms.pack(bank, Rooms.takeDepthRoom(_depthHolders, _books, epoch));
        tick = config.tickSize;
        // The parameters were validated to fit these widths when set.
        (book.tickSize, book.feeBps, book.phase, book.rooms) = (
            uint64(tick),
            uint16(config.feeBps),
            Auction.Phase.Open,
            uint8(rooms)
        );
        EpochQueue.push(_queue, tail, epoch);
        // Cannot overflow: one entry per epoch.
        unchecked {
            _queueTail = tail + 1;
        }
    }

    /// @dev Cancels one of the caller's orders into its account.
    function _cancel(uint256 orderId) private {
        uint256 epoch = orderId >> 32;
        uint256 seq = orderId & type(uint32).max;
        Auction.Book storage book = _books[epoch];
        (uint256 count, uint256 rooms) = (book.orderCount, book.rooms);
        require(seq != 0 && seq <= count && epoch <= type(uint32).max, TradingUnknownOrder(orderId));
        uint256 closesAt = epochEnd(epoch);
        // Before gate closure the epoch's bank is its own; after it, a later epoch may have taken it.
        if (block.timestamp >= closesAt) require(_slotsLive(epoch, rooms), TradingOrderPruned(orderId));
        OrderSlots.Order storage stored = _orders[_key(epoch, rooms, seq)];
        OrderSlots.Order memory order = stored;
        require(order.owner == msg.sender, TradingNotOrderOwner(orderId, msg.sender));
        OrderStatus status =
            order.cancelled ? OrderStatus.Cancelled : (seq <= book.settled ? OrderStatus.Settled : OrderStatus.Open);
        require(status == OrderStatus.Open, TradingOrderNotOpen(orderId, status));
        require(block.timestamp < closesAt, TradingGateClosed(orderId, closesAt));

        OrderSlots.markCancelled(stored);
        Auction.subDepth(_depth(epoch, rooms), uint256(order.side), order.level, order.amountWh);
        bool buy = order.side == Side.Buy;
        uint256 refund = buy ? Settlement.buyerCost(order.amountWh, order.level * book.tickSize) : order.amountWh;
        _accounts[msg.sender].credit(buy ? refund : 0, buy ? 0 : refund);
        if (!buy) refund *= WH;
        emit OrderCancelled(orderId, epoch, msg.sender, refund);
    }

    function _nextEpochToClear() private view returns (uint256) {
        return _queueHead == _queueTail ? 0 : EpochQueue.at(_queue, _queueHead);
    }

    /// @dev The storage key of order `seq` of `epoch`, whose book holds `rooms`.
    function _key(uint256 epoch, uint256 rooms, uint256 seq) private pure returns (uint256) {
        return OrderSlots.key(epoch, Rooms.bankOf(rooms), seq);
    }

    /// @dev The room of `epoch`'s cuts: its bank's, or one of its own (see {OrderSlots.room}).
    function _bankRoom(uint256 epoch, uint256 rooms) private view returns (Auction.Levels storage) {
        return _levels[OrderSlots.room(epoch, Rooms.bankOf(rooms))];
    }

    /// @dev The room of `epoch`'s depth and bitmaps (see {Rooms}).
    function _depth(uint256 epoch, uint256 rooms) private view returns (Auction.Levels storage) {
        return _levels[OrderSlots.room(epoch, Rooms.depthRoomOf(rooms))];
    }

    /// @dev Whether the order slots of `epoch` (whose book holds `rooms`) still hold its orders.
    function _slotsLive(uint256 epoch, uint256 rooms) private view returns (bool) {
        uint256 bank = Rooms.bankOf(rooms);
        return bank == 0 || _levels[bank].tag == epoch + 1;
    }

    function _status(Auction.Book storage book, uint256 epoch) private view returns (EpochStatus) {
        Auction.Phase phase = book.phase;
        if (phase == Auction.Phase.None) return EpochStatus.Empty;
        if (phase == Auction.Phase.Open)
            return block.timestamp < epochEnd(epoch) ? EpochStatus.Open : EpochStatus.Closed;
        // Matching, Settling and Settled map one to one (Phase 2..4 → EpochStatus 3..5).
        return EpochStatus(uint8(phase) + 1);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc ITrading
    function pendingEpochWork() external view returns (Work work, uint256 epoch) {
        if (paused() || _queueHead == _queueTail) return (Work.None, 0);
        epoch = EpochQueue.at(_queue, _queueHead);
        if (block.timestamp < epochEnd(epoch)) return (Work.None, 0);
        work = _books[epoch].phase == Auction.Phase.Settling ? Work.Settle : Work.Match;
    }

    /// @inheritdoc ITrading
    function getEpochResult(uint256 epoch) external view returns (EpochResult memory) {
        Auction.Book storage book = _books[epoch];
        return TradingViews.getEpochResult(book, _status(book, epoch));
    }

    /// @inheritdoc ITrading
    function getOrder(uint256 orderId) external view returns (Order memory) {
        uint256 epoch = orderId >> 32;
        Auction.Book storage book = _books[epoch];
        uint256 rooms = book.rooms;
        return
            TradingViews.getOrder(book, _bankRoom(epoch, rooms), _cursor, _orders, orderId, _slotsLive(epoch, rooms));
    }

    /// @inheritdoc ITrading
    function getUserOrders(address account, uint256 epoch) external view returns (uint256[] memory) {
        MarketAccounts.Account memory a = _accounts[account];
        uint256 rooms = _books[epoch].rooms;
        return
            TradingViews.getUserOrders(
                _orders,
                Rooms.bankOf(rooms),
                account,
                epoch,
                a.epoch,
                a.inEpoch,
                a.lastSeq,
                _slotsLive(epoch, rooms)
            );
    }

    /// @inheritdoc ITrading
    function depthAt(uint256 epoch, Side side, uint256 price) external view returns (uint256) {
        Auction.Book storage book = _books[epoch];
        uint256 tick = book.tickSize;
        if (tick == 0 || price % tick != 0 || price / tick > MAX_PRICE_LEVELS) return 0;
        // A depth room passed on to a later epoch reads 0 at every level of this one (see {Rooms}).
        return Auction.depthOf(_depth(epoch, book.rooms), epoch + 1, uint256(side), price / tick) * WH;
    }
}
