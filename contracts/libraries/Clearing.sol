// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IGridToken} from "../interfaces/IGridToken.sol";
import {ITrading} from "../interfaces/ITrading.sol";
import {ITradingAccounts} from "../interfaces/ITradingAccounts.sol";
import {Units} from "./Units.sol";
import {Auction} from "./Auction.sol";
import {MarketAccounts} from "./MarketAccounts.sol";
import {OrderSlots} from "./OrderSlots.sol";
import {Rooms} from "./Rooms.sol";
import {Settlement} from "./Settlement.sol";

/// @title Clearing
/// @notice Settlement of a matched epoch under the clearing rule (SPEC 8.3, rules 4 and 5): credits each
/// owner's market account, delivers bought GRID to buyers' wallets (or their accounts, if they keep it there),
/// and credits fees to the fee recipient.
/// @dev A linked library (external, called by delegatecall from Trading, so it runs on Trading's storage and
/// tokens), which keeps Trading under the 24,576-byte limit; the call costs one delegatecall per batch, not
/// per order. Settlement writes nothing per order but the owner's account: an order's fill follows from the
/// epoch's margins and the time-priority cut (see {OrderSlots}).
library Clearing {
    using Auction for Auction.Book;
    using MarketAccounts for MarketAccounts.Account;

    /// @notice What one settlement batch covers.
    /// @param epoch the epoch being settled.
    /// @param first the first order sequence of the batch; `last` the last (inclusive).
    /// @param done whether the batch settles the epoch's last order.
    /// @param grid GRID; `payment` the payment token; `feeRecipient` who is credited the fees (when done).
    struct Batch {
        uint256 epoch;
        uint256 first;
        uint256 last;
        bool done;
        IERC20 grid;
        address payment;
        address feeRecipient;
    }

    /// @dev The running state of one batch, kept in memory and written back once.
    struct State {
        uint256 bank;
        uint256 price;
        uint256 tick;
        uint256 feeBps;
        uint256 bidStar;
        uint256 askStar;
        uint256 bidMargin;
        uint256 askMargin;
        uint256 net;
        uint256 bidCutSeq;
        uint256 bidCutWh;
        uint256 askCutSeq;
        uint256 askCutWh;
    }

    /// @dev Deliveries of bought GRID to buyers' wallets (GRID base units), made once all settlement state is
    /// written, in one {IGridToken-transferMany} call; the first `count` entries are used.
    struct Deliveries {
        address[] to;
        uint256[] values;
        uint256 count;
    }

    /// @notice Settles orders `batch.first..batch.last` of `book`; closes the epoch when `batch.done`.
    /// Emits an {ITrading-OrderFilled} event per order that was not cancelled, {ITradingAccounts-Credited} for fees and
    /// failed deliveries, and {ITrading-EpochSettled} when done.
    function settle(
        Auction.Book storage book,
        Auction.Levels storage levels,
        Auction.Cursor storage cursor,
        mapping(uint256 => OrderSlots.Order) storage orders,
        mapping(address => MarketAccounts.Account) storage accounts,
        Batch calldata batch
    ) external {
        State memory st = State({
            bank: Rooms.bankOf(book.rooms),
            price: book.clearingPrice(),
            tick: book.tickSize,
            feeBps: book.feeBps,
            bidStar: book.bidStar,
            askStar: book.askStar,
            // A margin with its cut recorded is allocated in full (see {_storeMargins}).
            bidMargin: cursor.bidCutSeq != 0 ? 0 : cursor.bidLeft,
            askMargin: cursor.askCutSeq != 0 ? 0 : cursor.askLeft,
            net: cursor.net,
            bidCutSeq: cursor.bidCutSeq,
            bidCutWh: cursor.bidCutWh,
            askCutSeq: cursor.askCutSeq,
            askCutWh: cursor.askCutWh
        });
        Deliveries memory deliveries = _settleRange(orders, accounts, st, batch.epoch, batch.first, batch.last);
        _storeMargins(cursor, st);
        // Order sequences fit 32 bits.
        book.settled = uint32(batch.last);
        if (batch.done) _close(book, levels, accounts, batch, st);
        Auction.storeSettling(cursor, st.net, st.bidCutSeq, st.bidCutWh, st.askCutSeq, st.askCutWh);
        _deliver(accounts, batch.grid, deliveries);
    }

    /// @dev Settles orders `first..last` of `epoch`, skipping cancelled ones; lists the GRID to deliver.
    function _settleRange(
        mapping(uint256 => OrderSlots.Order) storage orders,
        mapping(address => MarketAccounts.Account) storage accounts,
        State memory st,
        uint256 epoch,
        uint256 first,
        uint256 last
    ) private returns (Deliveries memory deliveries) {
        deliveries = Deliveries(new address[](last + 1 - first), new uint256[](last + 1 - first), 0);
        OrderSlots.Order memory order;
        uint256 bank = st.bank;
        // Cannot overflow: sequences are below 2^32.
        unchecked {
            for (uint256 seq = first; seq <= last; ++seq) {
                OrderSlots.loadInto(order, orders[OrderSlots.key(epoch, bank, seq)]);
                if (!order.cancelled) _settleOrder(accounts, order, epoch, seq, st, deliveries);
            }
        }
    }

    /// @dev Settles one open order: its fill, the account credit, the confirmation, the GRID to deliver.
    function _settleOrder(
        mapping(address => MarketAccounts.Account) storage accounts,
        OrderSlots.Order memory order,
        uint256 epoch,
        uint256 seq,
        State memory st,
        Deliveries memory deliveries
    ) private {
        bool buy = order.side == ITrading.Side.Buy;
        uint256 filled = _fill(order, seq, st, buy);
        uint256 payment;
        // Cannot overflow or underflow: amounts are below 2^32 Wh and prices below 2^64, so every product is
        // below 2^96; a buyer pays at most its escrow (p <= its limit), a fee is at most 10% of the proceeds,
        // a fill at most the order's amount, and `net` stays within what buyers paid in (see {_close}).
        unchecked {
            if (buy) {
                payment = Settlement.buyerCost(filled, st.price);
                uint256 refund = Settlement.buyerCost(order.amountWh, order.level * st.tick) - payment;
                st.net += payment;
                if (accounts[order.owner].creditBuy(refund, filled) && filled != 0) {
                    uint256 k = deliveries.count;
                    (deliveries.to[k], deliveries.values[k]) = (order.owner, filled * Units.WH);
                    deliveries.count = k + 1;
                }
            } else {
                uint256 proceeds = Settlement.sellerProceeds(filled, st.price);
                payment = proceeds - Settlement.fee(proceeds, st.feeBps);
                st.net -= payment;
                accounts[order.owner].credit(payment, order.amountWh - filled);
            }
            filled *= Units.WH;
        }
        emit ITrading.OrderFilled((epoch << 32) | seq, order.owner, filled, payment);
    }

    /// @dev The fill of one open order under the time priority at its margin, advancing the margin's allocation.
    function _fill(
        OrderSlots.Order memory order,
        uint256 seq,
        State memory st,
        bool buy
    ) private pure returns (uint256 filled) {
        if (st.price == 0) return 0;
        uint256 star = buy ? st.bidStar : st.askStar;
        uint256 margin = buy ? st.bidMargin : st.askMargin;
        bool better = buy ? order.level > star : order.level < star;
        (filled, margin) = Settlement.allocate(better, order.level == star, order.amountWh, margin);
        if (buy) st.bidMargin = margin;
        else st.askMargin = margin;
        if (order.level == star && filled < order.amountWh) _recordCut(st, buy, seq, filled);
    }

    /// @dev Notes the first order at a margin that did not fill completely: time priority stops there.
    function _recordCut(State memory st, bool buy, uint256 seq, uint256 filled) private pure {
        if (buy && st.bidCutSeq == 0) (st.bidCutSeq, st.bidCutWh) = (seq, filled);
        else if (!buy && st.askCutSeq == 0) (st.askCutSeq, st.askCutWh) = (seq, filled);
    }

    /// @dev The epoch's last batch: credits fees and rounding to the fee recipient, keeps the time-priority cuts
    /// in the epoch's room for {TradingViews-getOrder}, marks the epoch settled and leaves the cursor's
    /// settlement state (in `st`) as the next epoch needs it.
    function _close(
        Auction.Book storage book,
        Auction.Levels storage levels,
        mapping(address => MarketAccounts.Account) storage accounts,
        Batch calldata batch,
        State memory st
    ) private {
        book.phase = Auction.Phase.Settled;
        // Order sequences and amounts fit 32 bits.
        if (st.bidCutSeq != 0 || st.askCutSeq != 0) {
            (levels.bidCutSeq, levels.bidCutWh) = (uint32(st.bidCutSeq), uint32(st.bidCutWh));
            (levels.askCutSeq, levels.askCutWh) = (uint32(st.askCutSeq), uint32(st.askCutWh));
            (st.bidCutSeq, st.bidCutWh, st.askCutSeq, st.askCutWh) = (0, 0, 0, 0);
        }
        // Cannot underflow: buyers pay ceil(f * p) and sellers receive at most floor(f * p) over equal volumes,
        // so the net paid in is never negative once every order is settled.
        uint256 fees = st.net - Auction.NET_ZERO;
        st.net = Auction.NET_ZERO;
        if (fees != 0) {
            accounts[batch.feeRecipient].credit(fees, 0);
            emit ITradingAccounts.Credited(batch.feeRecipient, batch.payment, fees);
        }
        emit ITrading.EpochSettled(
            batch.epoch,
            uint256(book.volume) * Units.WH,
            book.clearingPrice(),
            fees,
            batch.feeRecipient
        );
    }

    /// @dev Writes back what remains to allocate at each margin. Once a margin's cut is recorded everything there
    /// is allocated, so its stored quantity is left as it was (reads treat it as 0): the partial fill at a margin
    /// then costs the cut's write only. Margins fit 64 bits (see {Auction.start}).
    function _storeMargins(Auction.Cursor storage cursor, State memory st) private {
        (uint256 bidStored, uint256 askStored) = (cursor.bidLeft, cursor.askLeft);
        uint256 bidLeft = st.bidCutSeq != 0 ? bidStored : st.bidMargin;
        uint256 askLeft = st.askCutSeq != 0 ? askStored : st.askMargin;
        if (bidLeft != bidStored || askLeft != askStored)
            (cursor.bidLeft, cursor.askLeft) = (uint64(bidLeft), uint64(askLeft));
    }

    /// @dev Delivers bought GRID to the buyers' wallets in one {IGridToken-transferMany} call; if GRID refuses it
    /// (paused), each delivery is credited to the buyer's account instead.
    function _deliver(
        mapping(address => MarketAccounts.Account) storage accounts,
        IERC20 grid,
        Deliveries memory deliveries
    ) private {
        uint256 count = deliveries.count;
        if (count == 0) return;
        (address[] memory to, uint256[] memory values) = (deliveries.to, deliveries.values);
        // Trims both arrays to the deliveries made (they were sized for the whole batch).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(to, count)
            mstore(values, count)
        }
        // GridToken returns true or reverts.
        try IGridToken(address(grid)).transferMany(to, values) {
            return;
        } catch {}
        for (uint256 i; i < count; ++i) {
            accounts[to[i]].credit(0, values[i] / Units.WH);
            emit ITradingAccounts.Credited(to[i], address(grid), values[i]);
        }
    }
}
