// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITrading} from "../interfaces/ITrading.sol";

/// @title InvariantLens
/// @notice Reads everything the property tests check after each step in one call: supplies, balances of every
/// known holder in both tokens, and their Trading credits; and many orders at once. Tests only; views only.
contract InvariantLens {
    /// @notice What the invariants look at.
    struct Snapshot {
        uint256 gridSupply;
        uint256 paymentSupply;
        uint256[] gridBalances;
        uint256[] paymentBalances;
        uint256[] gridCredits;
        uint256[] paymentCredits;
    }

    /// @notice Supplies, balances and credits of `holders`.
    function snapshot(
        IERC20 grid,
        IERC20 payment,
        ITrading trading,
        address[] calldata holders
    ) external view returns (Snapshot memory s) {
        uint256 n = holders.length;
        s.gridSupply = grid.totalSupply();
        s.paymentSupply = payment.totalSupply();
        s.gridBalances = new uint256[](n);
        s.paymentBalances = new uint256[](n);
        s.gridCredits = new uint256[](n);
        s.paymentCredits = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            address h = holders[i];
            s.gridBalances[i] = grid.balanceOf(h);
            s.paymentBalances[i] = payment.balanceOf(h);
            s.gridCredits[i] = trading.credits(h, address(grid));
            s.paymentCredits[i] = trading.credits(h, address(payment));
        }
    }

    /// @notice The orders `ids`, as {ITrading.getOrder} returns them.
    function orders(ITrading trading, uint256[] calldata ids) external view returns (ITrading.Order[] memory out) {
        out = new ITrading.Order[](ids.length);
        for (uint256 i; i < ids.length; ++i) out[i] = trading.getOrder(ids[i]);
    }
}
