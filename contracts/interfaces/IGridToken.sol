// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IRegulatorGated} from "./IRegulatorGated.sol";

/// @title IGridToken
/// @notice GRID, the campus energy token: 18 decimals, 1 GRID = 1 kWh of locally generated energy.
/// Minted for metered generation, burned for metered consumption, transferable and permit-enabled.
/// @dev Warning: GRID is the energy, not the money. Trades are paid in a separate payment token.
interface IGridToken is IERC20, IRegulatorGated {
    // ─────────────────────────────────────────── EVENTS ──────────────────────────────────────────

    /// @notice Emitted when `minter` mints `amount` GRID to `to` for generation measured by `meterId`.
    event Minted(address indexed to, uint256 amount, bytes32 indexed meterId, address indexed minter);

    /// @notice Emitted when `burner` burns `amount` GRID of `from` for consumption measured by `meterId`.
    event Burned(address indexed from, uint256 amount, bytes32 indexed meterId, address indexed burner);

    /// @notice Emitted when `account` may mint from now on.
    event MinterAdded(address indexed account, address indexed by);

    /// @notice Emitted when `account` may no longer mint.
    event MinterRemoved(address indexed account, address indexed by);

    /// @notice Emitted when `account` may burn from now on.
    event BurnerAdded(address indexed account, address indexed by);

    /// @notice Emitted when `account` may no longer burn.
    event BurnerRemoved(address indexed account, address indexed by);

    /// @notice Emitted when `account` (an escrow such as `Trading`) is protected from minting and burning.
    event EscrowAccountLocked(address indexed account);

    // ─────────────────────────────────────────── ERRORS ──────────────────────────────────────────

    /// @notice `caller` is not a minter.
    error GridTokenNotMinter(address caller);

    /// @notice `caller` is not a burner.
    error GridTokenNotBurner(address caller);

    /// @notice `account` is not a registered, active user, so GRID cannot be minted to or burned from it.
    error GridTokenAccountNotVerified(address account);

    /// @notice `account` is a protected escrow account.
    error GridTokenEscrowAccount(address account);

    /// @notice `limit` escrow accounts are locked already, the most there may be.
    error GridTokenEscrowAccountLimit(uint256 limit);

    /// @notice A zero amount was given.
    error GridTokenZeroAmount();

    /// @notice The zero address was given.
    error GridTokenZeroAddress();

    /// @notice `account` already holds the role.
    error GridTokenRoleAlreadyGranted(address account);

    /// @notice `account` does not hold the role.
    error GridTokenRoleNotGranted(address account);

    /// @notice A {transferMany} call gave `recipients` recipients and `values` amounts.
    error GridTokenLengthMismatch(uint256 recipients, uint256 values);

    // ──────────────────────────────────────── MINT AND BURN ──────────────────────────────────────

    /// @notice Mints `amount` GRID to `to` for generation measured by `meterId`.
    /// Requirements: the caller is a minter; not paused; `amount` is not zero; `to` is a verified user and
    /// not an escrow account.
    /// Emits a {Minted} and an ERC-20 {Transfer} event.
    function mint(address to, uint256 amount, bytes32 meterId) external;

    /// @notice Burns `amount` GRID of `from` for consumption measured by `meterId`. No allowance is needed:
    /// metered consumption is not voluntary.
    /// Requirements: the caller is a burner; not paused; `amount` is not zero and at most the balance of
    /// `from`; `from` is a verified user and not an escrow account.
    /// Emits a {Burned} and an ERC-20 {Transfer} event.
    /// @dev Warning: escrow accounts (the `Trading` contract) are locked against burning so that no role can
    /// take users' escrowed GRID.
    function burn(address from, uint256 amount, bytes32 meterId) external;

    // ───────────────────────────────────────── TRANSFERS ─────────────────────────────────────────

    /// @notice Moves `values[i]` GRID from the caller to `to[i]`, for every `i`, exactly as that many {transfer}
    /// calls would (same rules, one ERC-20 {Transfer} event each), in one call: `Trading` delivers bought GRID
    /// to buyers' wallets with it, saving a call per buyer. Returns true.
    /// Requirements: `to` and `values` have the same length; not paused; no recipient is the zero address; the
    /// caller holds the sum of `values`.
    /// Emits an ERC-20 {Transfer} event per recipient.
    function transferMany(address[] calldata to, uint256[] calldata values) external returns (bool);

    // ─────────────────────────────────────────── ROLES ───────────────────────────────────────────

    /// @notice Lets `account` mint. Requirements: the caller is a REC regulator; `account` is not zero and
    /// not a minter. Emits a {MinterAdded} event.
    function addMinter(address account) external;

    /// @notice Stops `account` minting. Requirements: the caller is a REC regulator; `account` is a minter.
    /// Emits a {MinterRemoved} event.
    function removeMinter(address account) external;

    /// @notice Lets `account` burn. Requirements: the caller is a REC regulator; `account` is not zero and
    /// not a burner. Emits a {BurnerAdded} event.
    function addBurner(address account) external;

    /// @notice Stops `account` burning. Requirements: the caller is a REC regulator; `account` is a burner.
    /// Emits a {BurnerRemoved} event.
    function removeBurner(address account) external;

    /// @notice Whether `account` may mint.
    function isMinter(address account) external view returns (bool);

    /// @notice Whether `account` may burn.
    function isBurner(address account) external view returns (bool);

    /// @notice Protects `account` from minting and burning for good (one-way). Used for `Trading`.
    /// Requirements: the caller is the admin; `account` is not zero and not yet locked; fewer than
    /// {MAX_ESCROW_ACCOUNTS} accounts are locked (every mint and burn checks each of them).
    /// Emits an {EscrowAccountLocked} event.
    function lockEscrowAccount(address account) external;

    /// @notice Whether `account` is a protected escrow account.
    function isEscrowAccount(address account) external view returns (bool);

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @notice Stops transfers, minting and burning. Admin only.
    function pause() external;

    /// @notice Lifts {pause}. Admin only.
    function unpause() external;
}
