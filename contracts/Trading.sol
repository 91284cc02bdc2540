// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRegistry} from "./interfaces/IRegistry.sol";
import {ITrading} from "./interfaces/ITrading.sol";
import {Auction} from "./libraries/Auction.sol";
import {TradingConfig} from "./base/TradingConfig.sol";
import {Settlement} from "./libraries/Settlement.sol";

/// @title Trading
/// @notice The campus periodic double auction: two-sided escrow, one uniform price per epoch, bounded-gas
/// resumable clearing. See {ITrading} for the exact clearing rule.
/// @dev Deliberately not checked: the payment token's behaviour beyond exact-amount deposits (a token that
/// charges fees on transfer is refused at deposit; one that blocks an address gets that address credited);
/// cancelled orders keep counting towards the per-epoch order limit (no cancel/re-place spam).
/// No function moves escrow except cancelling (to the owner), settling (by the clearing rule) and withdrawing
/// one's own credit: the admin and regulators have no path to users' tokens.
contract Trading is AccessControlDefaultAdminRules, Pausable, ReentrancyGuardTransient, TradingConfig {
    using SafeERC20 for IERC20;
    using Auction for Auction.Book;

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    IERC20 private immutable GRID;
    IERC20 private immutable PAYMENT;

    /// @dev One slot per order. Amounts in Wh, price as a level of the epoch's tick.
    struct StoredOrder {
        address owner;
        Side side;
        OrderStatus status;
        uint16 level;
        uint32 amountWh;
        uint32 filledWh;
    }

    /// @dev A payout computed while settling, paid once all settlement state is written.
    struct Payout {
        address owner;
        uint256 grid;
        uint256 payment;
    }

    /// @dev The running state of one settlement batch, kept in memory and written back once.
    struct SettleState {
        uint256 epoch;
        uint256 price;
        uint256 tick;
        uint256 feeBps;
        uint256 bidStar;
        uint256 askStar;
        uint256 bidMargin;
        uint256 askMargin;
        uint256 net;
    }

    /// @dev Epochs that received orders, cleared strictly in this order: [_queueHead, _queueTail).
    uint64 private _queueHead;
    uint64 private _queueTail;
    mapping(uint256 index => uint256 epoch) private _queue;

    mapping(uint256 epoch => Auction.Book) private _books;
    /// @dev The clearing state of the epoch at the head of the queue, reused by every epoch.
    Auction.Cursor private _cursor;
    mapping(uint256 orderId => StoredOrder) private _orders;
    /// @dev Per account, one reused slot: how many orders it ever placed, the epoch of its last order, how
    /// many it placed in that epoch (the per-epoch limit), and its newest `length % 3` order ids. Every third
    /// order moves them with itself into a word of `_userOrderIds`, so two orders in three add no storage.
    struct UserLog {
        uint32 length;
        uint32 epoch;
        uint16 inEpoch;
        uint64 recent0;
        uint64 recent1;
    }

    mapping(address account => UserLog) private _userLogs;
    /// @dev Per account, its order ids in time order, three 64-bit ids per word (the newest ones wait in its
    /// UserLog). Ids grow with time, so an epoch's ids are found by binary search.
    mapping(address account => mapping(uint256 word => uint256 ids)) private _userOrderIds;
    mapping(address account => mapping(address token => uint256 amount)) private _credits;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param registry_ the campus Registry.
    /// @param gridToken_ GRID, the escrowed energy.
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
    ) AccessControlDefaultAdminRules(adminDelay, admin) TradingConfig(registry_, genesis_, epochLength_, params) {
        require(address(gridToken_) != address(0) && address(paymentToken_) != address(0), TradingZeroAddress());
        (GRID, PAYMENT) = (gridToken_, paymentToken_);
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
    function createSellOrder(uint256 amount, uint256 price) external nonReentrant returns (uint256) {
        return _createOrder(Side.Sell, amount, price);
    }

    /// @inheritdoc ITrading
    function createBuyOrder(uint256 amount, uint256 price) external nonReentrant returns (uint256) {
        return _createOrder(Side.Buy, amount, price);
    }

    /// @inheritdoc ITrading
    function createSellOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256) {
        _tryPermit(GRID, amount, deadline, v, r, s);
        return _createOrder(Side.Sell, amount, price);
    }

    /// @inheritdoc ITrading
    function createBuyOrderWithPermit(
        uint256 amount,
        uint256 price,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256) {
        _tryPermit(PAYMENT, Settlement.buyerCost(amount / WH, price), deadline, v, r, s);
        return _createOrder(Side.Buy, amount, price);
    }

    /// @inheritdoc ITrading
    function cancelOrder(uint256 orderId) external nonReentrant {
        StoredOrder storage stored = _orders[orderId];
        StoredOrder memory order = stored;
        require(order.owner != address(0), TradingUnknownOrder(orderId));
        require(order.owner == msg.sender, TradingNotOrderOwner(orderId, msg.sender));
        uint256 epoch = orderId >> 32;
        Auction.Book storage book = _books[epoch];
        OrderStatus status = order.status;
        // An order settled with the fill its level implies keeps its stored status (see _settleOrder).
        if (status == OrderStatus.Open && orderId & type(uint32).max <= book.settled) status = OrderStatus.Settled;
        require(status == OrderStatus.Open, TradingOrderNotOpen(orderId, status));
        uint256 closesAt = epochEnd(epoch);
        require(block.timestamp < closesAt, TradingGateClosed(orderId, closesAt));

        stored.status = OrderStatus.Cancelled;
        book.depth[Auction.key(uint256(order.side), order.level)] -= order.amountWh;
        bool buy = order.side == Side.Buy;
        uint256 refund = buy ? Settlement.buyerCost(order.amountWh, order.level * book.tickSize) : order.amountWh * WH;
        emit OrderCancelled(orderId, epoch, msg.sender, refund);
        (buy ? PAYMENT : GRID).safeTransfer(msg.sender, refund);
    }

    /// @inheritdoc ITrading
    function withdraw(address token) external nonReentrant {
        require(token == address(GRID) || token == address(PAYMENT), TradingUnsupportedToken(token));
        uint256 amount = _credits[msg.sender][token];
        require(amount != 0, TradingNothingToWithdraw(msg.sender, token));

        _credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
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

        if (phase == Auction.Phase.Open) book.start(_cursor);
        uint256 steps;
        (done, steps) = book.walk(_cursor, maxSteps);
        emit MatchProgressed(epoch, steps, uint256(book.volume) * WH, done);
        if (done) {
            uint256 price = book.finish(_cursor);
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
        uint256 first = settled + 1;
        Payout[] memory payouts = new Payout[](last + 1 - first);
        _settleRange(book, epoch, first, last, payouts);
        if (done) _closeEpoch(book, epoch);
        _pay(payouts);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    function _createOrder(Side side, uint256 amount, uint256 price) private whenNotPaused returns (uint256 orderId) {
        Config memory config = _config();
        bool eligible = side == Side.Sell ? REGISTRY.isProsumer(msg.sender) : REGISTRY.isUserVerified(msg.sender);
        require(eligible || _marketMakers[msg.sender], TradingNotEligible(msg.sender, side));
        uint256 wh = amount / WH;
        require(amount % WH == 0 && wh <= type(uint32).max, TradingInvalidAmount(amount));
        require(wh >= config.minOrderWh, TradingAmountBelowMinimum(amount, uint256(config.minOrderWh) * WH));
        require(price <= config.maxPrice, TradingPriceAboveCap(price, config.maxPrice));

        uint256 epoch;
        (orderId, epoch) = _bookOrder(side, wh, price, config);
        if (side == Side.Sell) {
            emit OrderCreated(orderId, epoch, msg.sender, side, amount, price, amount);
            GRID.safeTransferFrom(msg.sender, address(this), amount);
        } else {
            uint256 escrow = Settlement.buyerCost(wh, price);
            emit OrderCreated(orderId, epoch, msg.sender, side, amount, price, escrow);
            uint256 balanceBefore = PAYMENT.balanceOf(address(this));
            PAYMENT.safeTransferFrom(msg.sender, address(this), escrow);
            uint256 received = PAYMENT.balanceOf(address(this)) - balanceBefore;
            require(received == escrow, TradingTransferAmountMismatch(escrow, received));
        }
    }

    /// @dev Stores a validated order in the current epoch's book and returns its id.
    function _bookOrder(
        Side side,
        uint256 wh,
        uint256 price,
        Config memory config
    ) private returns (uint256 orderId, uint256 epoch) {
        epoch = currentEpoch();
        Auction.Book storage book = _books[epoch];
        uint256 tick = book.tickSize;
        if (tick == 0) tick = _openEpoch(book, epoch, config);
        uint256 level = price / tick;
        require(price != 0 && price % tick == 0 && level <= MAX_PRICE_LEVELS, TradingInvalidPrice(price, tick));

        // Cannot overflow: at most 1,000 orders per account and epoch; 2^32 orders would need 2^22 accounts
        // placing the maximum within one epoch.
        uint256 seq;
        unchecked {
            seq = uint256(book.orderCount) + 1;
        }
        book.orderCount = uint32(seq);
        orderId = (epoch << 32) | seq;
        _recordUserOrder(msg.sender, epoch, orderId, config.maxOrdersPerUser);
        _orders[orderId] = StoredOrder(msg.sender, side, OrderStatus.Open, uint16(level), uint32(wh), 0);
        book.addDepth(uint256(side), level, wh);
    }

    /// @dev First order of an epoch: snapshot tick and fee, queue the epoch for clearing.
    function _openEpoch(Auction.Book storage book, uint256 epoch, Config memory config) private returns (uint256) {
        // The parameters were validated to fit these widths when set.
        (book.tickSize, book.feeBps, book.phase) = (uint64(config.tickSize), uint16(config.feeBps), Auction.Phase.Open);
        uint64 tail = _queueTail;
        _queue[tail] = epoch;
        // Cannot overflow: one entry per epoch.
        unchecked {
            _queueTail = tail + 1;
        }
        return config.tickSize;
    }

    function _recordUserOrder(address account, uint256 epoch, uint256 orderId, uint256 limit) private {
        UserLog memory log = _userLogs[account];
        uint256 inEpoch = log.epoch == epoch ? log.inEpoch : 0;
        require(inEpoch < limit, TradingOrderLimitReached(account, epoch, limit));
        uint256 length = log.length;
        // Cannot overflow in practice: epochs stay below 2^32 for 8,000 years at the shortest epoch length, so
        // ids fit 64 bits; inEpoch < limit <= 1,000; 2^32 orders from one account would cost more gas than exists.
        unchecked {
            uint256 waiting = length % 3;
            if (waiting == 0) log.recent0 = uint64(orderId);
            else if (waiting == 1) log.recent1 = uint64(orderId);
            else {
                _userOrderIds[account][length / 3] = log.recent0 | (uint256(log.recent1) << 64) | (orderId << 128);
                (log.recent0, log.recent1) = (0, 0);
            }
            (log.length, log.epoch, log.inEpoch) = (uint32(length + 1), uint32(epoch), uint16(inEpoch + 1));
        }
        _userLogs[account] = log;
    }

    /// @dev Applies the clearing rule to orders `first..last`: writes every order's fill and the epoch's
    /// progress, emits the confirmations, and fills `payouts` to be paid afterwards.
    function _settleRange(
        Auction.Book storage book,
        uint256 epoch,
        uint256 first,
        uint256 last,
        Payout[] memory payouts
    ) private {
        Auction.Cursor storage cursor = _cursor;
        SettleState memory st = SettleState({
            epoch: epoch,
            price: book.clearingPrice(),
            tick: book.tickSize,
            feeBps: book.feeBps,
            bidStar: book.bidStar,
            askStar: book.askStar,
            bidMargin: cursor.bidLeft,
            askMargin: cursor.askLeft,
            net: cursor.net
        });
        for (uint256 seq = first; seq <= last; ++seq) {
            uint256 orderId = (epoch << 32) | seq;
            StoredOrder storage stored = _orders[orderId];
            if (stored.status == OrderStatus.Open) _settleOrder(stored, orderId, st, payouts[seq - first]);
        }
        // Margins fit 64 bits (see Auction.start); order counts 32 bits.
        (cursor.bidLeft, cursor.askLeft, cursor.net) = (uint64(st.bidMargin), uint64(st.askMargin), st.net);
        book.settled = uint32(last);
    }

    /// @dev Settles one open order under the clearing rule (SPEC 8.3, rules 4 and 5).
    function _settleOrder(
        StoredOrder storage stored,
        uint256 orderId,
        SettleState memory st,
        Payout memory payout
    ) private {
        StoredOrder memory order = stored;
        bool crossed = st.price != 0;
        uint256 filled;
        uint256 payment;
        uint256 fee;
        uint256 refund;
        if (order.side == Side.Buy) {
            if (crossed) {
                (filled, st.bidMargin) = Settlement.allocate(
                    order.level > st.bidStar,
                    order.level == st.bidStar,
                    order.amountWh,
                    st.bidMargin
                );
            }
            payment = Settlement.buyerCost(filled, st.price);
            refund = Settlement.buyerCost(order.amountWh, order.level * st.tick) - payment;
            st.net += payment;
            (payout.grid, payout.payment) = (filled * WH, refund);
        } else {
            if (crossed) {
                (filled, st.askMargin) = Settlement.allocate(
                    order.level < st.askStar,
                    order.level == st.askStar,
                    order.amountWh,
                    st.askMargin
                );
            }
            uint256 proceeds = Settlement.sellerProceeds(filled, st.price);
            fee = Settlement.fee(proceeds, st.feeBps);
            payment = proceeds - fee;
            refund = (order.amountWh - filled) * WH;
            st.net -= payment;
            (payout.grid, payout.payment) = (refund, payment);
        }
        payout.owner = order.owner;
        // The order's slot is written only when its fill differs from what {_impliedFill} reads back: at the
        // margins, past the time-priority cut. Every other order's outcome follows from the epoch's result.
        if (filled != _impliedFill(order, st.price, st.bidStar, st.askStar)) {
            (stored.status, stored.filledWh) = (OrderStatus.Settled, uint32(filled));
        }
        emit OrderFilled(orderId, st.epoch, order.owner, order.side, filled * WH, st.price, payment, fee, refund);
    }

    /// @dev Last batch of an epoch: credit fees and rounding to the fee recipient, dequeue the epoch.
    function _closeEpoch(Auction.Book storage book, uint256 epoch) private {
        book.phase = Auction.Phase.Settled;
        // Cannot underflow: buyers pay ceil(f * p) and sellers receive at most floor(f * p) over equal volumes,
        // so the net paid in is never negative once every order is settled.
        uint256 fees = _cursor.net - Auction.NET_ZERO;
        _cursor.net = Auction.NET_ZERO;
        address recipient = feeRecipient();
        // Cannot overflow: one queue entry per epoch.
        unchecked {
            ++_queueHead;
        }
        if (fees != 0) {
            _credits[recipient][address(PAYMENT)] += fees;
            emit Credited(recipient, address(PAYMENT), fees);
        }
        emit EpochSettled(epoch, uint256(book.volume) * WH, book.clearingPrice(), fees, recipient);
    }

    /// @dev Pays settled orders; a transfer that fails credits the owner instead of reverting the batch.
    function _pay(Payout[] memory payouts) private {
        for (uint256 i; i < payouts.length; ++i) {
            Payout memory payout = payouts[i];
            if (payout.owner == address(0)) continue;
            _payOrCredit(GRID, payout.owner, payout.grid);
            _payOrCredit(PAYMENT, payout.owner, payout.payment);
        }
    }

    function _payOrCredit(IERC20 token, address to, uint256 amount) private {
        if (amount == 0 || token.trySafeTransfer(to, amount)) return;
        _credits[to][address(token)] += amount;
        emit Credited(to, address(token), amount);
    }

    function _tryPermit(IERC20 token, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        // A front-run permit makes this call fail; the allowance it granted still serves the order.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), value, deadline, v, r, s) {} catch {}
    }

    function _nextEpochToClear() private view returns (uint256) {
        return _queueHead == _queueTail ? 0 : _queue[_queueHead];
    }

    /// @dev The fill an order's level implies once its epoch is matched: everything at or better than the
    /// margin, nothing beyond it or when nothing crossed. Only time priority at the margin departs from it.
    function _impliedFill(
        StoredOrder memory order,
        uint256 price,
        uint256 bidStar,
        uint256 askStar
    ) private pure returns (uint256) {
        if (price == 0) return 0;
        bool fills = order.side == Side.Buy ? order.level >= bidStar : order.level <= askStar;
        return fills ? order.amountWh : 0;
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
        epoch = _queue[_queueHead];
        if (block.timestamp < epochEnd(epoch)) return (Work.None, 0);
        work = _books[epoch].phase == Auction.Phase.Settling ? Work.Settle : Work.Match;
    }

    /// @inheritdoc ITrading
    function getEpochResult(uint256 epoch) external view returns (EpochResult memory result) {
        Auction.Book storage book = _books[epoch];
        uint256 tick = book.tickSize;
        result.status = _status(book, epoch);
        result.clearingPrice = book.clearingPrice();
        result.volume = uint256(book.volume) * WH;
        (result.bidPrice, result.askPrice) = (book.bidStar * tick, book.askStar * tick);
        (result.orderCount, result.settledCount) = (book.orderCount, book.settled);
        (result.tickSize, result.feeBps) = (tick, book.feeBps);
    }

    /// @inheritdoc ITrading
    function getOrder(uint256 orderId) external view returns (Order memory) {
        StoredOrder memory order = _orders[orderId];
        require(order.owner != address(0), TradingUnknownOrder(orderId));
        uint256 epoch = orderId >> 32;
        Auction.Book storage book = _books[epoch];
        OrderStatus status = order.status;
        uint256 filled = order.filledWh;
        // An open order within the settled range was settled with the fill its level implies (see _settleOrder).
        if (status == OrderStatus.Open && orderId & type(uint32).max <= book.settled) {
            status = OrderStatus.Settled;
            filled = _impliedFill(order, book.clearingPrice(), book.bidStar, book.askStar);
        }
        return
            Order({
                owner: order.owner,
                side: order.side,
                status: status,
                epoch: epoch,
                amount: uint256(order.amountWh) * WH,
                price: uint256(order.level) * book.tickSize,
                filled: filled * WH
            });
    }

    /// @inheritdoc ITrading
    function getUserOrders(address account, uint256 epoch) external view returns (uint256[] memory ids) {
        UserLog memory log = _userLogs[account];
        mapping(uint256 => uint256) storage words = _userOrderIds[account];
        uint256 length = log.length;
        // Binary search for the first id of `epoch` or later: O(log n) reads, then at most the per-epoch limit.
        uint256 low;
        uint256 high = length;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if (_userOrderAt(log, words, mid) >> 32 < epoch) low = mid + 1;
            else high = mid;
        }
        uint256 end = low;
        while (end < length && _userOrderAt(log, words, end) >> 32 == epoch) ++end;
        ids = new uint256[](end - low);
        for (uint256 i; i < ids.length; ++i) ids[i] = _userOrderAt(log, words, low + i);
    }

    /// @dev The account's `index`-th order id: from its words, or from its log for the newest ones.
    function _userOrderAt(
        UserLog memory log,
        mapping(uint256 => uint256) storage words,
        uint256 index
    ) private view returns (uint256) {
        uint256 stored = log.length - (log.length % 3);
        if (index >= stored) return index == stored ? log.recent0 : log.recent1;
        return (words[index / 3] >> (64 * (index % 3))) & type(uint64).max;
    }

    /// @inheritdoc ITrading
    function depthAt(uint256 epoch, Side side, uint256 price) external view returns (uint256) {
        uint256 tick = _books[epoch].tickSize;
        if (tick == 0 || price % tick != 0 || price / tick > MAX_PRICE_LEVELS) return 0;
        return _books[epoch].depth[Auction.key(uint256(side), price / tick)] * WH;
    }

    /// @inheritdoc ITrading
    function credits(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @notice GRID, the escrowed energy.
    function gridToken() external view returns (IERC20) {
        return GRID;
    }

    /// @notice The payment token.
    function paymentToken() external view returns (IERC20) {
        return PAYMENT;
    }
}
