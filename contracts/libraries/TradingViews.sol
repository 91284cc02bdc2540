// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITrading} from "../interfaces/ITrading.sol";
import {Units} from "./Units.sol";
import {Auction} from "./Auction.sol";
import {OrderSlots} from "./OrderSlots.sol";
import {Rooms} from "./Rooms.sol";

/// @title TradingViews
/// @notice The read side of Trading's order book: an order, a user's order list, an epoch's result.
/// @dev A linked library (external functions, called by delegatecall), so that this code does not count
/// towards Trading's 24,576-byte limit. Views only: it writes nothing.
library TradingViews {
    using Auction for Auction.Book;

    /// @notice See {ITrading-getOrder}. `live` tells whether the epoch's order slots still hold its orders. The
    /// time-priority cuts are in `cursor` while the epoch is settling, in its room (`levels`) once settled.
    function getOrder(
        Auction.Book storage book,
        Auction.Levels storage levels,
        Auction.Cursor storage cursor,
        mapping(uint256 => OrderSlots.Order) storage orders,
        uint256 id,
        bool live
    ) external view returns (ITrading.Order memory result) {
        (uint256 epoch, uint256 seq) = (id >> 32, id & type(uint32).max);
        require(seq != 0 && seq <= book.orderCount && epoch <= type(uint32).max, ITrading.TradingUnknownOrder(id));
        require(live, ITrading.TradingOrderPruned(id));
        OrderSlots.Order memory order = orders[OrderSlots.key(epoch, Rooms.bankOf(book.rooms), seq)];
        result.status = order.cancelled ? ITrading.OrderStatus.Cancelled : ITrading.OrderStatus.Open;
        uint256 filled;
        if (!order.cancelled && seq <= book.settled) {
            result.status = ITrading.OrderStatus.Settled;
            filled = _filled(book, levels, cursor, order, seq);
        }
        (result.owner, result.side, result.epoch) = (order.owner, order.side, epoch);
        result.amount = uint256(order.amountWh) * Units.WH;
        result.price = uint256(order.level) * book.tickSize;
        result.filled = filled * Units.WH;
    }

    /// @dev The fill of settled order `seq`, from its margin's time-priority cut: in `cursor` while the epoch is
    /// settling, in its room (`levels`) once settled.
    function _filled(
        Auction.Book storage book,
        Auction.Levels storage levels,
        Auction.Cursor storage cursor,
        OrderSlots.Order memory order,
        uint256 seq
    ) private view returns (uint256) {
        bool settling = book.phase == Auction.Phase.Settling;
        uint256 price = book.clearingPrice();
        if (order.side == ITrading.Side.Buy) {
            (uint256 cutSeq, uint256 cutWh) = settling
                ? (cursor.bidCutSeq, cursor.bidCutWh)
                : (levels.bidCutSeq, levels.bidCutWh);
            return OrderSlots.fill(order, seq, price, book.bidStar, cutSeq, cutWh);
        }
        (uint256 askCutSeq, uint256 askCutWh) = settling
            ? (cursor.askCutSeq, cursor.askCutWh)
            : (levels.askCutSeq, levels.askCutWh);
        return OrderSlots.fill(order, seq, price, book.askStar, askCutSeq, askCutWh);
    }

    /// @notice See {ITrading-getUserOrders}: walks the account's order list back from its newest order.
    /// @param latestEpoch the account's latest epoch with orders; `count` its orders there; `lastSeq` the newest.
    function getUserOrders(
        mapping(uint256 => OrderSlots.Order) storage orders,
        uint256 bank,
        address account,
        uint256 epoch,
        uint256 latestEpoch,
        uint256 count,
        uint256 lastSeq,
        bool live
    ) external view returns (uint256[] memory ids) {
        if (count == 0 || epoch > latestEpoch) return ids;
        require(epoch == latestEpoch && live, ITrading.TradingHistoryPruned(account, epoch, latestEpoch));
        ids = new uint256[](count);
        uint256 seq = lastSeq;
        for (uint256 i = count; i != 0; --i) {
            ids[i - 1] = (epoch << 32) | seq;
            seq = orders[OrderSlots.key(epoch, bank, seq)].prevSeq;
        }
    }

    /// @notice See {ITrading-getEpochResult}; `status` as Trading computes it.
    function getEpochResult(
        Auction.Book storage book,
        ITrading.EpochStatus status
    ) external view returns (ITrading.EpochResult memory result) {
        uint256 tick = book.tickSize;
        result.status = status;
        result.clearingPrice = book.clearingPrice();
        result.volume = uint256(book.volume) * Units.WH;
        (result.bidPrice, result.askPrice) = (book.bidStar * tick, book.askStar * tick);
        (result.orderCount, result.settledCount) = (book.orderCount, book.settled);
        (result.tickSize, result.feeBps) = (tick, book.feeBps);
    }
}
