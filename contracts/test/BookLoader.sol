// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITrading} from "../interfaces/ITrading.sol";
import {BookTrader} from "./BookTrader.sol";

/// @title BookLoader
/// @notice Test-only driver of randomized market tests: places a whole order book — orders of several
/// {BookTrader} accounts, interleaved in time — in one transaction, clears an epoch as a permissionless keeper
/// (it owns no order), and reads an epoch's outcome, its orders, balances and credits in one call.
/// @dev Tests only. Deliberately not checked: anything `Trading` checks.
contract BookLoader {
    /// @notice One order of a book: placed by trader `trader`; `cancel`: cancelled once the batch is placed.
    struct BookOrder {
        uint8 trader;
        ITrading.Side side;
        bool cancel;
        uint256 amount;
        uint256 price;
    }

    /// @notice Only the deployer may trade through the loader.
    error BookLoaderNotOwner(address caller);

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    ITrading public immutable TRADING;
    address public immutable OWNER;
    BookTrader[] private _traders;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param traders_ how many {BookTrader} accounts to deploy (at most 256).
    constructor(ITrading trading, IERC20 grid, IERC20 paymentToken, uint256 traders_) {
        TRADING = trading;
        OWNER = msg.sender;
        for (uint256 i = 0; i < traders_; ++i) {
            _traders.push(new BookTrader(trading, grid, paymentToken));
        }
    }

    // ───────────────────────────────────────── MODIFIERS ─────────────────────────────────────────

    modifier onlyOwner() {
        require(msg.sender == OWNER, BookLoaderNotOwner(msg.sender));
        _;
    }

    // ──────────────────────────────────────── USER ACTIONS ───────────────────────────────────────

    /// @notice Places `orders` in their order, then cancels those flagged `cancel`. `batched`: each run of
    /// consecutive orders of one trader is placed with one {ITrading-createOrders} call, and each trader's cancels
    /// of such a run with one {ITrading-cancelOrders} call; otherwise one call per order.
    /// @return ids the order ids, in the order given.
    function placeBook(BookOrder[] calldata orders, bool batched) external onlyOwner returns (uint256[] memory ids) {
        return _placeBook(orders, batched);
    }

    /// @notice Places `orders` as {placeBook}, then clears `epoch` as {clearEpoch}: one transaction that ends an
    /// epoch's clearing and fills the next epoch's book.
    function placeAndClear(
        BookOrder[] calldata orders,
        bool batched,
        uint256 epoch,
        uint256 maxSteps,
        uint256 maxOrders,
        uint256 gasReserve
    ) external onlyOwner returns (bool done) {
        _placeBook(orders, batched);
        return _clearEpoch(epoch, maxSteps, maxOrders, gasReserve);
    }

    /// @notice Withdraws the whole account balance of trader `trader` in `token`.
    function withdraw(uint256 trader, address token) external onlyOwner {
        _traders[trader].withdraw(token);
    }

    /// @notice Deposits `amount` of `token` from trader `trader`'s wallet into its market account.
    function deposit(uint256 trader, address token, uint256 amount) external onlyOwner {
        _traders[trader].deposit(token, amount);
    }

    // ───────────────────────────────────────── AUTOMATION ────────────────────────────────────────

    /// @notice Matches and settles `epoch` with calls of `maxSteps` levels and `maxOrders` orders, as many as fit
    /// while more than `gasReserve` gas is left. Clearing is permissionless, so the loader needs no role.
    /// @return done whether the epoch is settled.
    function clearEpoch(
        uint256 epoch,
        uint256 maxSteps,
        uint256 maxOrders,
        uint256 gasReserve
    ) external returns (bool done) {
        return _clearEpoch(epoch, maxSteps, maxOrders, gasReserve);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    function _placeBook(BookOrder[] calldata orders, bool batched) private returns (uint256[] memory ids) {
        ids = new uint256[](orders.length);
        if (!batched) {
            for (uint256 i = 0; i < orders.length; ++i) {
                BookOrder calldata o = orders[i];
                ids[i] = _traders[o.trader].place(o.side, o.amount, o.price);
            }
            for (uint256 i = 0; i < orders.length; ++i) {
                if (orders[i].cancel) _traders[orders[i].trader].cancel(ids[i]);
            }
            return ids;
        }
        uint256[] memory runEnds = new uint256[](orders.length);
        uint256 runs;
        for (uint256 start = 0; start < orders.length;) {
            uint256 end = start + 1;
            while (end < orders.length && orders[end].trader == orders[start].trader) ++end;
            ITrading.OrderRequest[] memory requests = new ITrading.OrderRequest[](end - start);
            for (uint256 i = start; i < end; ++i) {
                requests[i - start] = ITrading.OrderRequest(orders[i].side, orders[i].amount, orders[i].price);
            }
            uint256[] memory placed = _traders[orders[start].trader].placeMany(requests);
            for (uint256 i = start; i < end; ++i) ids[i] = placed[i - start];
            runEnds[runs] = end;
            ++runs;
            start = end;
        }
        uint256 from;
        for (uint256 r = 0; r < runs; ++r) {
            uint256 end = runEnds[r];
            uint256 n;
            for (uint256 i = from; i < end; ++i) if (orders[i].cancel) ++n;
            if (n != 0) {
                uint256[] memory cancels = new uint256[](n);
                n = 0;
                for (uint256 i = from; i < end; ++i) {
                    if (orders[i].cancel) {
                        cancels[n] = ids[i];
                        ++n;
                    }
                }
                _traders[orders[from].trader].cancelMany(cancels);
            }
            from = end;
        }
    }

    function _clearEpoch(
        uint256 epoch,
        uint256 maxSteps,
        uint256 maxOrders,
        uint256 gasReserve
    ) private returns (bool done) {
        ITrading.EpochStatus status = TRADING.getEpochResult(epoch).status;
        bool matched = status == ITrading.EpochStatus.Settling || status == ITrading.EpochStatus.Settled;
        while (!matched && gasleft() > gasReserve) matched = TRADING.matchOrders(epoch, maxSteps);
        done = status == ITrading.EpochStatus.Settled;
        while (matched && !done && gasleft() > gasReserve) done = TRADING.executeTrades(epoch, maxOrders);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @notice Trader `index`.
    function traders(uint256 index) external view returns (BookTrader) {
        return _traders[index];
    }

    /// @notice The number of traders.
    function traderCount() external view returns (uint256) {
        return _traders.length;
    }

    /// @notice In one call, as one flat array (cheap to decode in bulk): per epoch of `epochs` its nine
    /// {ITrading.EpochResult} fields in declaration order; per order of `ids` its seven {ITrading.Order} fields
    /// (the owner as a number); the balances of `holders`, then the `Trading` credits of `creditors`, in `tokens`
    /// (token-major).
    function readAll(
        uint256[] calldata epochs,
        uint256[] calldata ids,
        address[] calldata tokens,
        address[] calldata holders,
        address[] calldata creditors
    ) external view returns (uint256[] memory flat) {
        flat = new uint256[](9 * epochs.length + 7 * ids.length + tokens.length * (holders.length + creditors.length));
        uint256 k;
        for (uint256 e = 0; e < epochs.length; ++e) {
            ITrading.EpochResult memory r = TRADING.getEpochResult(epochs[e]);
            (flat[k], flat[k + 1], flat[k + 2], flat[k + 3], flat[k + 4]) = (
                uint256(r.status),
                r.clearingPrice,
                r.volume,
                r.bidPrice,
                r.askPrice
            );
            (flat[k + 5], flat[k + 6], flat[k + 7], flat[k + 8]) = (r.orderCount, r.settledCount, r.tickSize, r.feeBps);
            k += 9;
        }
        for (uint256 i = 0; i < ids.length; ++i) {
            ITrading.Order memory o = TRADING.getOrder(ids[i]);
            (flat[k], flat[k + 1], flat[k + 2], flat[k + 3]) = (
                uint256(uint160(o.owner)),
                uint256(o.side),
                uint256(o.status),
                o.epoch
            );
            (flat[k + 4], flat[k + 5], flat[k + 6]) = (o.amount, o.price, o.filled);
            k += 7;
        }
        for (uint256 t = 0; t < tokens.length; ++t) {
            for (uint256 a = 0; a < holders.length; ++a) {
                flat[k] = IERC20(tokens[t]).balanceOf(holders[a]);
                ++k;
            }
        }
        for (uint256 t = 0; t < tokens.length; ++t) {
            for (uint256 a = 0; a < creditors.length; ++a) {
                flat[k] = TRADING.accountBalance(creditors[a], tokens[t]);
                ++k;
            }
        }
    }
}
