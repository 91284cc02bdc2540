// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRegulatorGated} from "./IRegulatorGated.sol";

/// @title IRegistry
/// @notice Who may take part in the campus energy market: REC regulators, users (prosumers and consumers),
/// smart meters and the keys that sign their readings.
/// @dev The Registry is the single source of truth for regulator checks: `GridToken`, `OracleClient` and
/// `Trading` call {isRecRegulator} instead of keeping their own regulator lists; all four refuse other callers
/// with {IRegulatorGated-NotRecRegulator}. Deployment emits {RecRegulatorAdded} for the admin and
/// {MaxMetersPerUserUpdated} for the default limit (10), so the configuration can be rebuilt from logs.
interface IRegistry is IRegulatorGated {
    // ─────────────────────────────────────────── TYPES ───────────────────────────────────────────

    /// @notice What a user does in the market. Prosumers may sell; everyone verified may buy.
    enum UserType {
        None,
        Prosumer,
        Consumer
    }

    /// @notice Whether a registered user may currently take part.
    enum UserStatus {
        None,
        Active,
        Suspended
    }

    /// @notice A registered user.
    /// @param userType prosumer or consumer.
    /// @param status active or suspended.
    /// @param registeredAt block timestamp of the registration.
    /// @param meterCount how many meters are assigned to the user.
    /// @param location free-form location label (building, flat), at most 128 bytes.
    struct User {
        UserType userType;
        UserStatus status;
        uint64 registeredAt;
        uint32 meterCount;
        string location;
    }

    // ─────────────────────────────────────────── EVENTS ──────────────────────────────────────────

    /// @notice Emitted when `account` is registered by the regulator `by`.
    event UserRegistered(address indexed account, UserType userType, string location, address indexed by);

    /// @notice Emitted when the status of `account` changes from `previous` to `status`.
    event UserStatusUpdated(address indexed account, UserStatus previous, UserStatus status, address indexed by);

    /// @notice Emitted when `meterId` is assigned to `owner`.
    event MeterAssigned(bytes32 indexed meterId, address indexed owner, address indexed by);

    /// @notice Emitted when `meterId` is taken away from `owner`.
    event MeterUnassigned(bytes32 indexed meterId, address indexed owner, address indexed by);

    /// @notice Emitted when the key that signs the readings of `meterId` is set to `signer` (zero clears it).
    event MeterSignerSet(bytes32 indexed meterId, address indexed previous, address indexed signer);

    /// @notice Emitted when `account` becomes a REC regulator.
    event RecRegulatorAdded(address indexed account, address indexed by);

    /// @notice Emitted when `account` stops being a REC regulator.
    event RecRegulatorRemoved(address indexed account, address indexed by);

    /// @notice Emitted when the per-user meter limit changes.
    event MaxMetersPerUserUpdated(uint32 previous, uint32 current);

    // ─────────────────────────────────────────── ERRORS ──────────────────────────────────────────

    /// @notice `caller` is neither the admin nor a REC regulator.
    error RegistryNotAdminOrRegulator(address caller);

    /// @notice The zero address was given where an account is needed.
    error RegistryZeroAddress();

    /// @notice `userType` is not `Prosumer` or `Consumer`.
    error RegistryInvalidUserType(UserType userType);

    /// @notice The location label is longer than `max` bytes.
    error RegistryLocationTooLong(uint256 length, uint256 max);

    /// @notice `account` is already registered.
    error RegistryUserAlreadyRegistered(address account);

    /// @notice `account` is not registered.
    error RegistryUserNotRegistered(address account);

    /// @notice `status` is not a status a user can be put in, or it is the user's current status.
    error RegistryInvalidStatus(address account, UserStatus status);

    /// @notice The zero meter id was given.
    error RegistryInvalidMeterId(bytes32 meterId);

    /// @notice `meterId` already belongs to `owner`; unassign it first.
    error RegistryMeterAlreadyAssigned(bytes32 meterId, address owner);

    /// @notice `meterId` is not assigned to anyone.
    error RegistryMeterNotAssigned(bytes32 meterId);

    /// @notice `owner` already has `limit` meters.
    error RegistryMeterLimitReached(address owner, uint32 limit);

    /// @notice The meter's signer is already `signer`.
    error RegistrySignerUnchanged(bytes32 meterId, address signer);

    /// @notice `account` is already a REC regulator.
    error RegistryAlreadyRecRegulator(address account);

    /// @notice `account` is not a REC regulator.
    error RegistryUnknownRecRegulator(address account);

    /// @notice The REC regulator role is managed only through {addRecRegulator} and {removeRecRegulator}, so that
    /// every change is checked and announced; AccessControl's generic role functions refuse it.
    error RegistryUseRegulatorFunctions(bytes32 role);

    /// @notice The meter limit must be from 1 to `MAX_METERS_PER_USER` and differ from the current one.
    error RegistryInvalidMaxMeters(uint32 value);

    // ───────────────────────────────────────── REGULATORS ────────────────────────────────────────

    /// @notice Makes `account` a REC regulator.
    /// Requirements: the caller is the admin or a REC regulator; `account` is not zero and not yet a regulator.
    /// Emits a {RecRegulatorAdded} event.
    function addRecRegulator(address account) external;

    /// @notice Removes `account` from the REC regulators. The last regulator can be removed; the admin can
    /// always add a new one.
    /// Requirements: the caller is the admin or a REC regulator; `account` is a regulator.
    /// Emits a {RecRegulatorRemoved} event.
    function removeRecRegulator(address account) external;

    /// @notice Whether `account` is a REC regulator.
    function isRecRegulator(address account) external view returns (bool);

    // ─────────────────────────────────────────── USERS ───────────────────────────────────────────

    /// @notice Registers `account` as an active prosumer or consumer.
    /// Requirements: the caller is a REC regulator; not paused; `account` is not zero and not registered;
    /// `userType` is `Prosumer` or `Consumer`; `location` is at most 128 bytes.
    /// Emits a {UserRegistered} event.
    function registerUser(address account, UserType userType, string calldata location) external;

    /// @notice Activates or suspends a registered user. Suspended users can neither trade nor receive
    /// minted GRID; their open orders can still be cancelled by them. The status is copied to each of the user's
    /// meters (see {getMeterOwnerStatus}), so the gas grows with their number (at most {maxMetersPerUser}).
    /// Requirements: the caller is a REC regulator; not paused; `account` is registered; `status` is
    /// `Active` or `Suspended` and differs from the current one.
    /// Emits a {UserStatusUpdated} event.
    function updateUserStatus(address account, UserStatus status) external;

    /// @notice The user record of `account` (all zero when not registered).
    function getUser(address account) external view returns (User memory);

    /// @notice Whether `account` is registered and active.
    function isUserVerified(address account) external view returns (bool);

    /// @notice Whether `account` is a registered, active prosumer.
    function isProsumer(address account) external view returns (bool);

    // ─────────────────────────────────────────── METERS ──────────────────────────────────────────

    /// @notice Assigns `meterId` to the registered user `owner`.
    /// Requirements: the caller is a REC regulator; not paused; `meterId` is not zero and not assigned;
    /// `owner` is registered and has fewer than {maxMetersPerUser} meters.
    /// Emits a {MeterAssigned} event.
    function assignMeter(bytes32 meterId, address owner) external;

    /// @notice Takes `meterId` away from its owner. Its signer key stays with the meter.
    /// Requirements: the caller is a REC regulator; not paused; `meterId` is assigned.
    /// Emits a {MeterUnassigned} event.
    function unassignMeter(bytes32 meterId) external;

    /// @notice Sets the key (EOA or ERC-1271 contract) that signs the readings of `meterId`; zero clears it.
    /// Requirements: the caller is a REC regulator; not paused; `meterId` is not zero; `signer` differs from
    /// the current one.
    /// Emits a {MeterSignerSet} event.
    function setMeterSigner(bytes32 meterId, address signer) external;

    /// @notice The owner of `meterId`, or zero.
    function getMeterOwner(bytes32 meterId) external view returns (address);

    /// @notice The owner of `meterId` (zero when unassigned) and whether it is registered and active: what a
    /// meter reading's first rule needs, in one call and one storage read (the meter keeps a copy of its owner's
    /// status, rewritten by {assignMeter}, {unassignMeter} and {updateUserStatus}).
    function getMeterOwnerStatus(bytes32 meterId) external view returns (address owner, bool verified);

    /// @notice The key that signs the readings of `meterId`, or zero.
    function getMeterSigner(bytes32 meterId) external view returns (address);

    /// @notice The meters assigned to `owner`.
    function getUserMeters(address owner) external view returns (bytes32[] memory);

    /// @notice How many meters one user may hold (default 10).
    function maxMetersPerUser() external view returns (uint32);

    /// @notice Changes {maxMetersPerUser}. Users above a lowered limit keep their meters.
    /// Requirements: the caller is a REC regulator; `value` is from 1 to 100 (`MAX_METERS_PER_USER`: a status
    /// change rewrites every meter of the user) and differs from the current one.
    /// Emits a {MaxMetersPerUserUpdated} event.
    function setMaxMetersPerUser(uint32 value) external;

    // ─────────────────────────────────────────── ADMIN ───────────────────────────────────────────

    /// @notice Stops registrations, status changes and meter changes. Admin only.
    function pause() external;

    /// @notice Lifts {pause}. Admin only.
    function unpause() external;
}
