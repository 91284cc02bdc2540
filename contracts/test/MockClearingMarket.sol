// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITrading} from "../interfaces/ITrading.sol";

/// @title MockClearingMarket
/// @notice The clearing surface of `Trading` (`pendingEpochWork`, `matchOrders`, `executeTrades`) with scripted
/// answers and a configurable gas cost per unit of work, to test the OracleClient's upkeep in isolation. Tests only.
contract MockClearingMarket {
    ITrading.Work public work;
    uint256 public epoch;
    /// @notice Work reported once matching finishes (normally `Settle`).
    ITrading.Work public workAfterMatch;
    /// @notice Epoch reported once matching finishes (normally the same epoch).
    uint256 public epochAfterMatch;
    /// @notice Levels left to match / orders left to settle before each stage reports done.
    uint256 public levelsLeft;
    uint256 public ordersLeft;
    /// @notice Gas burnt per level matched and per order settled.
    uint256 public gasPerUnit;

    uint256 public matchCalls;
    uint256 public settleCalls;
    uint256 public lastMaxSteps;
    uint256 public lastMaxOrders;

    event MatchCalled(uint256 epoch, uint256 maxSteps, bool done);
    event SettleCalled(uint256 epoch, uint256 maxOrders, bool done);

    function setScript(
        ITrading.Work work_,
        uint256 epoch_,
        uint256 levelsLeft_,
        uint256 ordersLeft_,
        ITrading.Work workAfterMatch_,
        uint256 epochAfterMatch_,
        uint256 gasPerUnit_
    ) external {
        work = work_;
        epoch = epoch_;
        levelsLeft = levelsLeft_;
        ordersLeft = ordersLeft_;
        workAfterMatch = workAfterMatch_;
        epochAfterMatch = epochAfterMatch_;
        gasPerUnit = gasPerUnit_;
    }

    function pendingEpochWork() external view returns (ITrading.Work, uint256) {
        return (work, epoch);
    }

    function matchOrders(uint256 epoch_, uint256 maxSteps) external returns (bool done) {
        uint256 steps = maxSteps < levelsLeft ? maxSteps : levelsLeft;
        _burn(steps);
        levelsLeft -= steps;
        done = levelsLeft == 0;
        if (done) (work, epoch) = (workAfterMatch, epochAfterMatch);
        ++matchCalls;
        lastMaxSteps = maxSteps;
        emit MatchCalled(epoch_, maxSteps, done);
    }

    function executeTrades(uint256 epoch_, uint256 maxOrders) external returns (bool done) {
        uint256 orders = maxOrders < ordersLeft ? maxOrders : ordersLeft;
        _burn(orders);
        ordersLeft -= orders;
        done = ordersLeft == 0;
        if (done) work = ITrading.Work.None;
        ++settleCalls;
        lastMaxOrders = maxOrders;
        emit SettleCalled(epoch_, maxOrders, done);
    }

    function _burn(uint256 units) private view {
        uint256 target = units * gasPerUnit;
        uint256 start = gasleft();
        while (start - gasleft() < target) {}
    }
}
