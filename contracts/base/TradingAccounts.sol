// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ITradingAccounts} from "../interfaces/ITradingAccounts.sol";
import {MarketAccounts} from "../libraries/MarketAccounts.sol";
import {TradingConfig} from "./TradingConfig.sol";

/// @title TradingAccounts
/// @notice The market accounts of {ITrading}: each participant's free GRID and payment token inside Trading,
/// deposited, pulled by orders, credited by settlement, and withdrawn only by their owner.
/// @dev Accounts are laid out by {MarketAccounts}: one slot each. Deliberately not checked: balances beyond
/// 2^112 payment-token base units or 2^56 Wh (more than any payment token's supply and than GRID a campus mints).
abstract contract TradingAccounts is Pausable, ReentrancyGuardTransient, TradingConfig {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    IERC20 internal immutable GRID;
    IERC20 internal immutable PAYMENT;

    mapping(address account => MarketAccounts.Account) internal _accounts;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    constructor(IERC20 gridToken_, IERC20 paymentToken_) {
        require(address(gridToken_) != address(0) && address(paymentToken_) != address(0), TradingZeroAddress());
        (GRID, PAYMENT) = (gridToken_, paymentToken_);
    }

    // ─────────────────────────────────────── USER ACTIONS ────────────────────────────────────────

    /// @inheritdoc ITradingAccounts
    function deposit(address token, uint256 amount) external nonReentrant whenNotPaused {
        _deposit(token, amount);
    }

    /// @inheritdoc ITradingAccounts
    function depositWithPermit(
        address token,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        _tryPermit(IERC20(token), amount, deadline, v, r, s);
        _deposit(token, amount);
    }

    /// @inheritdoc ITradingAccounts
    function withdraw(address token, uint256 amount) external nonReentrant {
        MarketAccounts.withdraw(_accounts[msg.sender], GRID, PAYMENT, token, amount);
    }

    /// @inheritdoc ITradingAccounts
    function setKeepsBoughtGrid(bool keeps) external {
        MarketAccounts.Account storage account = _accounts[msg.sender];
        require(account.keepsBoughtGrid != keeps, TradingUnchanged());
        account.keepsBoughtGrid = keeps;
        emit BoughtGridDestinationSet(msg.sender, keeps);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    function _deposit(address token, uint256 amount) private {
        require(amount != 0, TradingZeroAmount());
        MarketAccounts.Account storage account = _accounts[msg.sender];
        if (token == address(GRID)) {
            require(amount % WH == 0, TradingInvalidAmount(amount));
            account.gridWh = (account.gridWh + amount / WH).toUint56();
        } else {
            require(token == address(PAYMENT), TradingUnsupportedToken(token));
            account.payment = (account.payment + amount).toUint112();
        }
        _pull(IERC20(token), amount);
    }

    /// @dev Moves `amount` of `token` from the caller's wallet into Trading (already booked to its account),
    /// refusing a payment token that delivers less than asked (fee on transfer). Emits {Deposited}.
    function _pull(IERC20 token, uint256 amount) internal {
        emit Deposited(msg.sender, address(token), amount);
        if (token == GRID) return GRID.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        require(received == amount, TradingTransferAmountMismatch(amount, received));
    }

    function _tryPermit(IERC20 token, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) internal {
        // A front-run permit makes this call fail; the allowance it granted still serves the call.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), value, deadline, v, r, s) {} catch {}
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc ITradingAccounts
    function accountBalance(address account, address token) external view returns (uint256) {
        if (token == address(GRID)) return uint256(_accounts[account].gridWh) * WH;
        require(token == address(PAYMENT), TradingUnsupportedToken(token));
        return _accounts[account].payment;
    }

    /// @inheritdoc ITradingAccounts
    function keepsBoughtGrid(address account) external view returns (bool) {
        return _accounts[account].keepsBoughtGrid;
    }

    /// @notice GRID, the energy traded.
    function gridToken() external view returns (IERC20) {
        return GRID;
    }

    /// @notice The payment token.
    function paymentToken() external view returns (IERC20) {
        return PAYMENT;
    }
}
