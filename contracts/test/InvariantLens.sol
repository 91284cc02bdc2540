// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITrading} from "../interfaces/ITrading.sol";

/// @title InvariantLens
/// @notice Reads everything the property tests check after each step in one call: supplies, balances of every
/// known holder in both tokens, and their Trading credits; and many orders at once. Tests only; views only.
contract InvariantLens {
    /// @notice Supplies, balances and credits of `holders`, flat so that it decodes fast:
    /// `[gridSupply, paymentSupply, then per holder: grid balance, payment balance, grid credit, payment credit]`.
    function snapshot(
        IERC20 grid,
        IERC20 payment,
        ITrading trading,
        address[] calldata holders
    ) external view returns (uint256[] memory out) {
        uint256 n = holders.length;
        out = new uint256[](2 + 4 * n);
        out[0] = grid.totalSupply();
        out[1] = payment.totalSupply();
        for (uint256 i; i < n; ++i) {
            address h = holders[i];
            uint256 j = 2 + 4 * i;
            out[j] = grid.balanceOf(h);
            out[j + 1] = payment.balanceOf(h);
            out[j + 2] = trading.accountBalance(h, address(grid));
            out[j + 3] = trading.accountBalance(h, address(payment));
        }
    }

    /// @notice The orders `ids`, as {ITrading.getOrder} returns them.
    function orders(ITrading trading, uint256[] calldata ids) external view returns (ITrading.Order[] memory out) {
        out = new ITrading.Order[](ids.length);
        for (uint256 i; i < ids.length; ++i) out[i] = trading.getOrder(ids[i]);
    }
}
