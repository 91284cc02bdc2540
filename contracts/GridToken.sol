// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Pausable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Pausable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {IGridToken} from "./interfaces/IGridToken.sol";
import {IRegistry} from "./interfaces/IRegistry.sol";
import {RegistryGated} from "./base/RegistryGated.sol";

/// @title GridToken
/// @notice GRID: 1 GRID (1e18 base units) = 1 kWh of locally generated, metered energy.
/// @dev Deliberately not checked: transfers between users are free (GRID is a bearer token once minted);
/// the meter id of a mint or burn is recorded in the event, not validated here (the OracleClient validates
/// readings before it mints or burns).
contract GridToken is IGridToken, RegistryGated, ERC20Permit, ERC20Pausable, AccessControlDefaultAdminRules {
    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    mapping(address account => bool) private _minters;
    mapping(address account => bool) private _burners;
    /// @dev The escrow accounts, locked for good. They are few, so every mint and burn compares its account with
    /// each of them from slots that are warm after a transaction's first mint or burn, where a mapping would
    /// cost a cold read per account.
    address[] private _escrowAccounts;

    /// @notice The most escrow accounts there may be.
    uint256 public constant MAX_ESCROW_ACCOUNTS = 4;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param registry_ the campus Registry.
    /// @param admin the admin (pause, escrow locks, two-step admin transfer).
    /// @param adminDelay the delay of a two-step admin transfer, in seconds.
    constructor(
        IRegistry registry_,
        address admin,
        uint48 adminDelay
    )
        RegistryGated(registry_)
        ERC20("GridToken", "GRID")
        ERC20Permit("GridToken")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        require(address(registry_) != address(0), GridTokenZeroAddress());
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc IGridToken
    function addMinter(address account) external onlyRecRegulator {
        _setRole(_minters, account, true);
        emit MinterAdded(account, msg.sender);
    }

    /// @inheritdoc IGridToken
    function removeMinter(address account) external onlyRecRegulator {
        _setRole(_minters, account, false);
        emit MinterRemoved(account, msg.sender);
    }

    /// @inheritdoc IGridToken
    function addBurner(address account) external onlyRecRegulator {
        _setRole(_burners, account, true);
        emit BurnerAdded(account, msg.sender);
    }

    /// @inheritdoc IGridToken
    function removeBurner(address account) external onlyRecRegulator {
        _setRole(_burners, account, false);
        emit BurnerRemoved(account, msg.sender);
    }

    /// @inheritdoc IGridToken
    function lockEscrowAccount(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        require(account != address(0), GridTokenZeroAddress());
        require(!_isEscrowAccount(account), GridTokenEscrowAccount(account));
        require(_escrowAccounts.length < MAX_ESCROW_ACCOUNTS, GridTokenEscrowAccountLimit(MAX_ESCROW_ACCOUNTS));
        _escrowAccounts.push(account);
        emit EscrowAccountLocked(account);
    }

    /// @inheritdoc IGridToken
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc IGridToken
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ──────────────────────────────────────── MINT AND BURN ──────────────────────────────────────

    /// @inheritdoc IGridToken
    function mint(address to, uint256 amount, bytes32 meterId) external {
        require(_minters[msg.sender], GridTokenNotMinter(msg.sender));
        _checkMeteredAccount(to, amount);
        _mint(to, amount);
        emit Minted(to, amount, meterId, msg.sender);
    }

    /// @inheritdoc IGridToken
    function burn(address from, uint256 amount, bytes32 meterId) external {
        require(_burners[msg.sender], GridTokenNotBurner(msg.sender));
        _checkMeteredAccount(from, amount);
        _burn(from, amount);
        emit Burned(from, amount, meterId, msg.sender);
    }

    // ───────────────────────────────────────── TRANSFERS ─────────────────────────────────────────

    /// @inheritdoc IGridToken
    function transferMany(address[] calldata to, uint256[] calldata values) external returns (bool) {
        require(to.length == values.length, GridTokenLengthMismatch(to.length, values.length));
        for (uint256 i; i < to.length; ++i) _transfer(msg.sender, to[i], values[i]);
        return true;
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    function _checkMeteredAccount(address account, uint256 amount) private view {
        require(amount != 0, GridTokenZeroAmount());
        require(!_isEscrowAccount(account), GridTokenEscrowAccount(account));
        require(REGISTRY.isUserVerified(account), GridTokenAccountNotVerified(account));
    }

    function _isEscrowAccount(address account) private view returns (bool) {
        uint256 count = _escrowAccounts.length;
        for (uint256 i; i < count; ++i) if (_escrowAccounts[i] == account) return true;
        return false;
    }

    function _setRole(mapping(address => bool) storage role, address account, bool granted) private {
        require(account != address(0), GridTokenZeroAddress());
        if (granted) require(!role[account], GridTokenRoleAlreadyGranted(account));
        else require(role[account], GridTokenRoleNotGranted(account));
        role[account] = granted;
    }

    /// @dev ERC20 and ERC20Pausable both define `_update`; transfers, mints and burns stop while paused.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Pausable) {
        super._update(from, to, value);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc IGridToken
    function isMinter(address account) external view returns (bool) {
        return _minters[account];
    }

    /// @inheritdoc IGridToken
    function isBurner(address account) external view returns (bool) {
        return _burners[account];
    }

    /// @inheritdoc IGridToken
    function isEscrowAccount(address account) external view returns (bool) {
        return _isEscrowAccount(account);
    }

    /// @notice The Registry consulted for regulators and verified users.
    function registry() external view returns (IRegistry) {
        return REGISTRY;
    }
}
