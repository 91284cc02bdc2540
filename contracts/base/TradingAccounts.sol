// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ITrading} from "../interfaces/ITrading.sol";
import {TradingConfig} from "./TradingConfig.sol";

/// @title TradingAccounts
/// @notice The market accounts of {ITrading}: each participant's free GRID and payment token inside Trading,
/// deposited, pulled by orders, credited by settlement, and withdrawn only by their owner.
/// @dev One storage slot per account holds both balances and the account's order log for its latest epoch
/// (the per-epoch order count and the newest order's sequence), so that placing an order reads and writes
/// one account slot. GRID is kept in whole watt-hours. Deliberately not checked: balances beyond 2^112
/// payment-token base units or 2^64 Wh (more than any payment token's supply and than GRID a campus mints).
abstract contract TradingAccounts is Pausable, ReentrancyGuardTransient, TradingConfig {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    IERC20 internal immutable GRID;
    IERC20 internal immutable PAYMENT;

    /// @dev An account: free balances, and its latest epoch with orders, how many it placed there (the
    /// per-epoch limit) and the sequence of its newest one (the head of its order list, see {getUserOrders}).
    struct Account {
        uint112 payment;
        uint64 gridWh;
        uint32 epoch;
        uint16 inEpoch;
        uint32 lastSeq;
    }

    mapping(address account => Account) internal _accounts;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    constructor(IERC20 gridToken_, IERC20 paymentToken_) {
        require(address(gridToken_) != address(0) && address(paymentToken_) != address(0), TradingZeroAddress());
        (GRID, PAYMENT) = (gridToken_, paymentToken_);
    }

    // ─────────────────────────────────────── USER ACTIONS ────────────────────────────────────────

    /// @inheritdoc ITrading
    function deposit(address token, uint256 amount) external nonReentrant whenNotPaused {
        _deposit(token, amount);
    }

    /// @inheritdoc ITrading
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

    /// @inheritdoc ITrading
    function withdraw(address token, uint256 amount) external nonReentrant {
        require(amount != 0, TradingZeroAmount());
        Account storage account = _accounts[msg.sender];
        if (token == address(GRID)) {
            require(amount % WH == 0, TradingInvalidAmount(amount));
            uint256 free = account.gridWh;
            require(amount / WH <= free, TradingInsufficientBalance(msg.sender, token, free * WH, amount));
            // Cannot underflow: checked just above.
            unchecked {
                account.gridWh = uint64(free - amount / WH);
            }
        } else {
            require(token == address(PAYMENT), TradingUnsupportedToken(token));
            uint256 free = account.payment;
            require(amount <= free, TradingInsufficientBalance(msg.sender, token, free, amount));
            // Cannot underflow: checked just above.
            unchecked {
                account.payment = uint112(free - amount);
            }
        }
        emit Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    function _deposit(address token, uint256 amount) private {
        require(amount != 0, TradingZeroAmount());
        Account storage account = _accounts[msg.sender];
        if (token == address(GRID)) {
            require(amount % WH == 0, TradingInvalidAmount(amount));
            account.gridWh = (account.gridWh + amount / WH).toUint64();
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

    /// @dev Adds to the account of `owner`: `payment` base units and `gridWh` watt-hours, in one write.
    function _credit(address owner, uint256 payment, uint256 gridWh) internal {
        Account storage account = _accounts[owner];
        // Bounded by the supplies (see the contract header); a credit returns what an order reserved or pays
        // what buyers paid in, so it never exceeds tokens Trading holds.
        (account.payment, account.gridWh) = ((account.payment + payment).toUint112(), (account.gridWh + gridWh).toUint64());
    }

    function _tryPermit(IERC20 token, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) internal {
        // A front-run permit makes this call fail; the allowance it granted still serves the call.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), value, deadline, v, r, s) {} catch {}
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc ITrading
    function accountBalance(address account, address token) external view returns (uint256) {
        if (token == address(GRID)) return uint256(_accounts[account].gridWh) * WH;
        require(token == address(PAYMENT), TradingUnsupportedToken(token));
        return _accounts[account].payment;
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
