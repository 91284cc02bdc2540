// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IRegistry} from "./interfaces/IRegistry.sol";
import {RegulatorGated} from "./base/RegulatorGated.sol";

/// @title Registry
/// @notice Users, meters, meter signing keys and REC regulators of the campus market.
/// @dev Deliberately not checked: the location label's content (only its length); whether a meter id
/// exists physically (the AMI head-end is the authority on serials); signer keys may be set before a meter
/// is assigned, so a meter can be provisioned with its key ahead of installation.
contract Registry is IRegistry, RegulatorGated, AccessControlDefaultAdminRules, Pausable {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @notice The role of REC regulators.
    bytes32 public constant REC_REGULATOR_ROLE = keccak256("REC_REGULATOR_ROLE");

    /// @notice Longest accepted location label, in bytes.
    uint256 public constant MAX_LOCATION_LENGTH = 128;

    /// @notice Highest accepted {maxMetersPerUser}: a status change rewrites each of the user's meters (about
    /// 7,000 gas each).
    uint32 public constant MAX_METERS_PER_USER = 100;

    /// @dev `ownerActive` copies the owner's status (Active) next to the owner, so that a meter reading learns
    /// both from one storage read; every change of the owner or of its status rewrites it.
    struct Meter {
        address owner;
        bool ownerActive;
        address signer;
    }

    mapping(address account => User) private _users;
    mapping(bytes32 meterId => Meter) private _meters;
    mapping(address owner => EnumerableSet.Bytes32Set) private _userMeters;
    uint32 private _maxMetersPerUser;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @dev Emits {RecRegulatorAdded} for the admin and {MaxMetersPerUserUpdated} for the default limit.
    /// @param admin the admin (a multisig in production), also the first REC regulator.
    /// @param adminDelay the delay of a two-step admin transfer, in seconds.
    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
        _grantRole(REC_REGULATOR_ROLE, admin);
        emit RecRegulatorAdded(admin, msg.sender);
        _maxMetersPerUser = 10;
        emit MaxMetersPerUserUpdated(0, 10);
    }

    // ───────────────────────────────────────── MODIFIERS ─────────────────────────────────────────

    modifier onlyAdminOrRegulator() {
        require(
            hasRole(REC_REGULATOR_ROLE, msg.sender) || msg.sender == defaultAdmin(),
            RegistryNotAdminOrRegulator(msg.sender)
        );
        _;
    }

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @inheritdoc IRegistry
    function addRecRegulator(address account) external onlyAdminOrRegulator {
        require(account != address(0), RegistryZeroAddress());
        require(_grantRole(REC_REGULATOR_ROLE, account), RegistryAlreadyRecRegulator(account));
        emit RecRegulatorAdded(account, msg.sender);
    }

    /// @inheritdoc IRegistry
    function removeRecRegulator(address account) external onlyAdminOrRegulator {
        require(_revokeRole(REC_REGULATOR_ROLE, account), RegistryUnknownRecRegulator(account));
        emit RecRegulatorRemoved(account, msg.sender);
    }

    /// @dev Refuses the REC regulator role: use {addRecRegulator}.
    function grantRole(bytes32 role, address account) public override {
        require(role != REC_REGULATOR_ROLE, RegistryUseRegulatorFunctions(role));
        super.grantRole(role, account);
    }

    /// @dev Refuses the REC regulator role: use {removeRecRegulator}.
    function revokeRole(bytes32 role, address account) public override {
        require(role != REC_REGULATOR_ROLE, RegistryUseRegulatorFunctions(role));
        super.revokeRole(role, account);
    }

    /// @dev Refuses the REC regulator role: a regulator steps down with {removeRecRegulator}.
    function renounceRole(bytes32 role, address account) public override {
        require(role != REC_REGULATOR_ROLE, RegistryUseRegulatorFunctions(role));
        super.renounceRole(role, account);
    }

    /// @inheritdoc IRegistry
    function setMaxMetersPerUser(uint32 value) external onlyRecRegulator {
        uint32 previous = _maxMetersPerUser;
        require(value != 0 && value <= MAX_METERS_PER_USER && value != previous, RegistryInvalidMaxMeters(value));
        _maxMetersPerUser = value;
        emit MaxMetersPerUserUpdated(previous, value);
    }

    /// @inheritdoc IRegistry
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc IRegistry
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ─────────────────────────────────────── USER ACTIONS ────────────────────────────────────────

    /// @inheritdoc IRegistry
    function registerUser(
        address account,
        UserType userType,
        string calldata location
    ) external onlyRecRegulator whenNotPaused {
        require(account != address(0), RegistryZeroAddress());
        require(userType == UserType.Prosumer || userType == UserType.Consumer, RegistryInvalidUserType(userType));
        require(
            bytes(location).length <= MAX_LOCATION_LENGTH,
            RegistryLocationTooLong(bytes(location).length, MAX_LOCATION_LENGTH)
        );
        User storage user = _users[account];
        require(user.userType == UserType.None, RegistryUserAlreadyRegistered(account));

        user.userType = userType;
        user.status = UserStatus.Active;
        user.registeredAt = uint64(block.timestamp);
        user.location = location;
        emit UserRegistered(account, userType, location, msg.sender);
    }

    /// @inheritdoc IRegistry
    function updateUserStatus(address account, UserStatus status) external onlyRecRegulator whenNotPaused {
        User storage user = _users[account];
        require(user.userType != UserType.None, RegistryUserNotRegistered(account));
        UserStatus previous = user.status;
        require(
            (status == UserStatus.Active || status == UserStatus.Suspended) && status != previous,
            RegistryInvalidStatus(account, status)
        );

        user.status = status;
        // At most MAX_METERS_PER_USER meters.
        EnumerableSet.Bytes32Set storage meters = _userMeters[account];
        bool active = status == UserStatus.Active;
        uint256 count = meters.length();
        for (uint256 i; i < count; ++i) _meters[meters.at(i)].ownerActive = active;
        emit UserStatusUpdated(account, previous, status, msg.sender);
    }

    /// @inheritdoc IRegistry
    function assignMeter(bytes32 meterId, address owner) external onlyRecRegulator whenNotPaused {
        require(meterId != bytes32(0), RegistryInvalidMeterId(meterId));
        Meter storage meter = _meters[meterId];
        require(meter.owner == address(0), RegistryMeterAlreadyAssigned(meterId, meter.owner));
        User storage user = _users[owner];
        require(user.userType != UserType.None, RegistryUserNotRegistered(owner));
        uint32 limit = _maxMetersPerUser;
        require(user.meterCount < limit, RegistryMeterLimitReached(owner, limit));

        (meter.owner, meter.ownerActive) = (owner, user.status == UserStatus.Active);
        // Cannot overflow: meterCount < limit, a uint32.
        unchecked {
            ++user.meterCount;
        }
        _userMeters[owner].add(meterId);
        emit MeterAssigned(meterId, owner, msg.sender);
    }

    /// @inheritdoc IRegistry
    function unassignMeter(bytes32 meterId) external onlyRecRegulator whenNotPaused {
        Meter storage meter = _meters[meterId];
        address owner = meter.owner;
        require(owner != address(0), RegistryMeterNotAssigned(meterId));

        (meter.owner, meter.ownerActive) = (address(0), false);
        // Cannot underflow: the owner holds this meter, so its count is at least 1.
        unchecked {
            --_users[owner].meterCount;
        }
        _userMeters[owner].remove(meterId);
        emit MeterUnassigned(meterId, owner, msg.sender);
    }

    /// @inheritdoc IRegistry
    function setMeterSigner(bytes32 meterId, address signer) external onlyRecRegulator whenNotPaused {
        require(meterId != bytes32(0), RegistryInvalidMeterId(meterId));
        Meter storage meter = _meters[meterId];
        address previous = meter.signer;
        require(signer != previous, RegistrySignerUnchanged(meterId, signer));

        meter.signer = signer;
        emit MeterSignerSet(meterId, previous, signer);
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev The Registry answers the regulator check of {RegulatorGated} from its own role.
    function _isRecRegulator(address account) internal view override returns (bool) {
        return hasRole(REC_REGULATOR_ROLE, account);
    }

    // ─────────────────────────────────────────── VIEWS ───────────────────────────────────────────

    /// @inheritdoc IRegistry
    function isRecRegulator(address account) external view returns (bool) {
        return hasRole(REC_REGULATOR_ROLE, account);
    }

    /// @inheritdoc IRegistry
    function getUser(address account) external view returns (User memory) {
        return _users[account];
    }

    /// @inheritdoc IRegistry
    function isUserVerified(address account) external view returns (bool) {
        return _users[account].status == UserStatus.Active;
    }

    /// @inheritdoc IRegistry
    function isProsumer(address account) external view returns (bool) {
        User storage user = _users[account];
        return user.userType == UserType.Prosumer && user.status == UserStatus.Active;
    }

    /// @inheritdoc IRegistry
    function getMeterOwner(bytes32 meterId) external view returns (address) {
        return _meters[meterId].owner;
    }

    /// @inheritdoc IRegistry
    function getMeterOwnerStatus(bytes32 meterId) external view returns (address owner, bool verified) {
        Meter storage meter = _meters[meterId];
        (owner, verified) = (meter.owner, meter.ownerActive);
    }

    /// @inheritdoc IRegistry
    function getMeterSigner(bytes32 meterId) external view returns (address) {
        return _meters[meterId].signer;
    }

    /// @inheritdoc IRegistry
    function getUserMeters(address owner) external view returns (bytes32[] memory) {
        return _userMeters[owner].values();
    }

    /// @inheritdoc IRegistry
    function maxMetersPerUser() external view returns (uint32) {
        return _maxMetersPerUser;
    }
}
