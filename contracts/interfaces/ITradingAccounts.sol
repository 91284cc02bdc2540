// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITradingAccounts
/// @notice The market accounts of {ITrading}: each participant's free GRID (in whole watt-hours) and payment
/// token inside Trading. Orders reserve from the account and pull only the shortfall from the wallet;
/// settlement, refunds, cancels and fees land in the account; only its owner withdraws it, also while Trading
/// is paused. No role has a function that moves an account's balance.
/// @dev Invariant, per token: Trading's balance = Σ account balances + Σ reserved by open orders + what the
/// epoch being settled owes + fees not yet credited.
interface ITradingAccounts {
    // ─────────────────────────────────────────── EVENTS ──────────────────────────────────────────

    /// @notice Emitted when `amount` of `token` was credited to the account of `account` outside an order's own
    /// settlement: a GRID delivery to the wallet that failed, or an epoch's fees for the fee recipient.
    event Credited(address indexed account, address indexed token, uint256 amount);

    /// @notice Emitted when `amount` of `token` enters the account of `account` from its wallet: a deposit, or
    /// the shortfall an order pulled.
    event Deposited(address indexed account, address indexed token, uint256 amount);

    /// @notice Emitted when `account` withdraws `amount` of `token` from its account to its wallet.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    /// @notice Emitted when `account` chooses where the GRID it buys goes: its account (`keeps`) or its wallet.
    event BoughtGridDestinationSet(address indexed account, bool keeps);

    // ─────────────────────────────────────────── ERRORS ──────────────────────────────────────────

    /// @notice `token` is neither GRID nor the payment token.
    error TradingUnsupportedToken(address token);

    /// @notice A deposit or withdrawal of zero.
    error TradingZeroAmount();

    /// @notice The account of `account` holds `available` of `token`, less than the `requested` withdrawal.
    error TradingInsufficientBalance(address account, address token, uint256 available, uint256 requested);

    /// @notice The escrow transfer delivered `received` instead of `expected` (fee-on-transfer tokens are not supported).
    error TradingTransferAmountMismatch(uint256 expected, uint256 received);

    // ────────────────────────────────────────── ACCOUNTS ─────────────────────────────────────────

    /// @notice Moves `amount` of `token` (GRID or the payment token) from the caller's wallet to its account.
    /// Requirements: not paused; `token` supported; `amount` not zero (whole Wh for GRID); an allowance.
    /// Emits a {Deposited} event.
    function deposit(address token, uint256 amount) external;

    /// @notice {deposit} with an EIP-2612 permit of `amount`. A permit that fails (e.g. already used by a
    /// front-runner) is ignored when the allowance suffices anyway.
    function depositWithPermit(address token, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Moves `amount` of `token` from the caller's account to its wallet. Works while paused: no role
    /// can hold a user's free balance.
    /// Requirements: `token` supported; `amount` not zero (whole Wh for GRID) and at most {accountBalance}.
    /// Emits a {Withdrawn} event.
    function withdraw(address token, uint256 amount) external;

    /// @notice Chooses where the GRID the caller buys goes from now on: kept in its account (`true`), or
    /// delivered to its wallet (`false`, the default), where metered consumption can burn it.
    /// Requirements: a change. Emits a {BoughtGridDestinationSet} event.
    function setKeepsBoughtGrid(bool keeps) external;

    /// @notice Whether `account` keeps the GRID it buys in its account (see {setKeepsBoughtGrid}).
    function keepsBoughtGrid(address account) external view returns (bool);

    /// @notice The free balance of `token` in the account of `account`: not reserved by open orders, and what
    /// {withdraw} may take. Requirements: `token` supported.
    function accountBalance(address account, address token) external view returns (uint256);
}
