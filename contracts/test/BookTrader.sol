// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ITrading} from "../interfaces/ITrading.sol";

/// @title BookTrader
/// @notice Test-only: one trading account of a {BookLoader}. It must be a market maker in `Trading` (it buys and
/// sells) and hold GRID and payment token; it approves `Trading` for both without limit.
contract BookTrader {
    using SafeERC20 for IERC20;

    /// @notice Only the loader that deployed the trader may use it.
    error BookTraderNotLoader(address caller);

    ITrading public immutable TRADING;
    address public immutable LOADER;

    constructor(ITrading trading, IERC20 grid, IERC20 paymentToken) {
        TRADING = trading;
        LOADER = msg.sender;
        grid.forceApprove(address(trading), type(uint256).max);
        paymentToken.forceApprove(address(trading), type(uint256).max);
    }

    modifier onlyLoader() {
        require(msg.sender == LOADER, BookTraderNotLoader(msg.sender));
        _;
    }

    /// @notice Places an order of `side` for `amount` at `price`.
    function place(ITrading.Side side, uint256 amount, uint256 price) external onlyLoader returns (uint256) {
        return
            side == ITrading.Side.Buy ? TRADING.createBuyOrder(amount, price) : TRADING.createSellOrder(amount, price);
    }

    /// @notice Places `requests` in one {ITrading-createOrders} call.
    function placeMany(ITrading.OrderRequest[] calldata requests) external onlyLoader returns (uint256[] memory) {
        return TRADING.createOrders(requests);
    }

    /// @notice Cancels `orderIds` in one {ITrading-cancelOrders} call.
    function cancelMany(uint256[] calldata orderIds) external onlyLoader {
        TRADING.cancelOrders(orderIds);
    }

    /// @notice Deposits `amount` of `token` from the trader's wallet into its market account.
    function deposit(address token, uint256 amount) external onlyLoader {
        TRADING.deposit(token, amount);
    }

    /// @notice Cancels order `orderId`.
    function cancel(uint256 orderId) external onlyLoader {
        TRADING.cancelOrder(orderId);
    }

    /// @notice Withdraws the trader's whole account balance in `token`.
    function withdraw(address token) external onlyLoader {
        TRADING.withdraw(token, TRADING.accountBalance(address(this), token));
    }
}
