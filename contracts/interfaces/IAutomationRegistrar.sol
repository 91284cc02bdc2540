// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAutomationRegistrar2_1
/// @notice The part of Chainlink's `AutomationRegistrar2_1` that registers an upkeep with LINK pulled by
/// `transferFrom`, declared locally because the published contract pins `pragma solidity 0.8.16`.
/// @dev Mirrors `@chainlink/contracts` 1.2.0 `src/v0.8/automation/v2_1/AutomationRegistrar2_1.sol`: the struct
/// layout, the events and the selectors are the same, so this interface talks to the deployed registrars.
/// Warning: classic Chainlink Automation was retired in 2026; a registration may be accepted and never performed.
// The name mirrors Chainlink's registrar.
// solhint-disable-next-line contract-name-capwords
interface IAutomationRegistrar2_1 {
    /// @notice An upkeep registration request (2.1 field order).
    /// @param name the upkeep's display name.
    /// @param encryptedEmail contact e-mail, encrypted for the Chainlink UI (may be empty).
    /// @param upkeepContract the contract whose `checkUpkeep` / `performUpkeep` the network calls.
    /// @param gasLimit gas given to `performUpkeep` (at most the registry's `maxPerformGas`).
    /// @param adminAddress who may fund, pause, cancel and withdraw the upkeep.
    /// @param triggerType 0 for a conditional (custom logic) upkeep, 1 for a log trigger.
    /// @param checkData passed to `checkUpkeep`.
    /// @param triggerConfig trigger configuration (empty for conditional upkeeps).
    /// @param offchainConfig off-chain configuration (empty unless gas price thresholds are used).
    /// @param amount LINK (juels) funding the upkeep, pulled from the caller.
    struct RegistrationParams {
        string name;
        bytes encryptedEmail;
        address upkeepContract;
        uint32 gasLimit;
        address adminAddress;
        uint8 triggerType;
        bytes checkData;
        bytes triggerConfig;
        bytes offchainConfig;
        uint96 amount;
    }

    /// @notice Emitted for every registration request, approved or left pending.
    event RegistrationRequested(
        bytes32 indexed hash,
        string name,
        bytes encryptedEmail,
        address indexed upkeepContract,
        uint32 gasLimit,
        address adminAddress,
        uint8 triggerType,
        bytes triggerConfig,
        bytes offchainConfig,
        bytes checkData,
        uint96 amount
    );

    /// @notice Emitted when the request `hash` became the upkeep `upkeepId` on the registry.
    event RegistrationApproved(bytes32 indexed hash, string displayName, uint256 indexed upkeepId);

    /// @notice Pulls `requestParams.amount` LINK from the caller (after `approve`) and registers the upkeep.
    /// @return upkeepId the new upkeep's id, or 0 when the request awaits manual approval.
    function registerUpkeep(RegistrationParams calldata requestParams) external returns (uint256 upkeepId);

    /// @notice The registry the registrar registers with, and the minimum funding in juels.
    function getConfig() external view returns (address keeperRegistry, uint256 minLINKJuels);

    /// @notice The LINK token.
    // Chainlink's getter name.
    // solhint-disable-next-line func-name-mixedcase
    function LINK() external view returns (address);

    /// @notice "AutomationRegistrar 2.1.0".
    function typeAndVersion() external view returns (string memory);
}

/// @title IAutomationRegistrar2_3
/// @notice The part of Chainlink's `AutomationRegistrar2_3` that registers an upkeep with an ERC-20 billing token
/// (LINK here) pulled by `transferFrom`, declared locally because the published contract pins
/// `pragma solidity 0.8.19`.
/// @dev Mirrors `@chainlink/contracts` 1.2.0 `src/v0.8/automation/v2_3/AutomationRegistrar2_3.sol`. The 2.3
/// struct is packed differently from 2.1 and adds `billingToken`; the request hash is `keccak256(abi.encode(params))`.
/// Warning: classic Chainlink Automation was retired in 2026; a registration may be accepted and never performed.
// The name mirrors Chainlink's registrar.
// solhint-disable-next-line contract-name-capwords
interface IAutomationRegistrar2_3 {
    /// @notice An upkeep registration request (2.3 field order).
    /// @param upkeepContract the contract whose `checkUpkeep` / `performUpkeep` the network calls.
    /// @param amount billing-token funding of the upkeep, pulled from the caller.
    /// @param adminAddress who may fund, pause, cancel and withdraw the upkeep.
    /// @param gasLimit gas given to `performUpkeep`.
    /// @param triggerType 0 for a conditional (custom logic) upkeep, 1 for a log trigger.
    /// @param billingToken the token the upkeep pays in (LINK, or one the registry supports).
    /// @param name the upkeep's display name.
    /// @param encryptedEmail contact e-mail, encrypted for the Chainlink UI (may be empty).
    /// @param checkData passed to `checkUpkeep`.
    /// @param triggerConfig trigger configuration (empty for conditional upkeeps).
    /// @param offchainConfig off-chain configuration.
    struct RegistrationParams {
        address upkeepContract;
        uint96 amount;
        address adminAddress;
        uint32 gasLimit;
        uint8 triggerType;
        address billingToken;
        string name;
        bytes encryptedEmail;
        bytes checkData;
        bytes triggerConfig;
        bytes offchainConfig;
    }

    /// @notice Emitted for every registration request, approved or left pending.
    event RegistrationRequested(
        bytes32 indexed hash,
        string name,
        bytes encryptedEmail,
        address indexed upkeepContract,
        uint32 gasLimit,
        address adminAddress,
        uint8 triggerType,
        bytes triggerConfig,
        bytes offchainConfig,
        bytes checkData,
        uint96 amount,
        address billingToken
    );

    /// @notice Emitted when the request `hash` became the upkeep `upkeepId` on the registry.
    event RegistrationApproved(bytes32 indexed hash, string displayName, uint256 indexed upkeepId);

    /// @notice Pulls `requestParams.amount` of `requestParams.billingToken` from the caller (after `approve`) and
    /// registers the upkeep. Sending native currency instead pays in the wrapped native token.
    /// @return upkeepId the new upkeep's id, or 0 when the request awaits manual approval.
    function registerUpkeep(RegistrationParams calldata requestParams) external payable returns (uint256 upkeepId);

    /// @notice The registry the registrar registers with.
    function getRegistry() external view returns (address);

    /// @notice The minimum funding accepted in `billingToken`.
    function getMinimumRegistrationAmount(address billingToken) external view returns (uint256);

    /// @notice The LINK token.
    // Chainlink's getter name.
    // solhint-disable-next-line func-name-mixedcase
    function i_LINK() external view returns (address);

    /// @notice "AutomationRegistrar 2.3.0".
    function typeAndVersion() external view returns (string memory);
}

/// @title IAutomationRegistryForwarding
/// @notice What the upkeep registration task needs from a Chainlink Automation registry (2.1 or 2.3): the event
/// that announces the upkeep and the per-upkeep forwarder, the only address that will call `performUpkeep`.
/// @dev Same event and selectors as `IKeeperRegistryMaster` (2.1) and `IAutomationRegistryMaster2_3` (2.3).
interface IAutomationRegistryForwarding {
    /// @notice An upkeep as `getUpkeep` returns it (2.1 `UpkeepInfo`, 2.3 `UpkeepInfoLegacy`: the same layout).
    /// @param target the contract performed (the OracleClient).
    /// @param performGas gas given to `performUpkeep`.
    /// @param checkData passed to `checkUpkeep`.
    /// @param balance the upkeep's balance in its billing token.
    /// @param admin who may fund, pause, cancel and withdraw the upkeep.
    /// @param maxValidBlocknumber `type(uint32).max` while active; the block of cancellation otherwise.
    /// @param lastPerformedBlockNumber the block of the last perform (0: never performed).
    /// @param amountSpent what the performs cost so far.
    /// @param paused whether the admin paused the upkeep.
    /// @param offchainConfig the upkeep's off-chain configuration.
    struct UpkeepInfo {
        address target;
        uint32 performGas;
        bytes checkData;
        uint96 balance;
        address admin;
        uint64 maxValidBlocknumber;
        uint32 lastPerformedBlockNumber;
        uint96 amountSpent;
        bool paused;
        bytes offchainConfig;
    }

    /// @notice Emitted when the upkeep `id` is registered with `performGas` and `admin`.
    event UpkeepRegistered(uint256 indexed id, uint32 performGas, address admin);

    /// @notice Emitted when `amount` funds are added to the upkeep `id` by `from`.
    event FundsAdded(uint256 indexed id, address indexed from, uint96 amount);

    /// @notice The forwarder that calls `performUpkeep` for the upkeep `upkeepID`.
    function getForwarder(uint256 upkeepID) external view returns (address);

    /// @notice The upkeep's balance in its billing token.
    function getBalance(uint256 id) external view returns (uint96 balance);

    /// @notice The upkeep `id` as the registry holds it.
    function getUpkeep(uint256 id) external view returns (UpkeepInfo memory upkeepInfo);

    /// @notice The balance below which the network stops performing the upkeep `id`: the most one perform of its
    /// gas limit may cost at the current fast gas price (times the registry's gas ceiling multiplier) and prices.
    function getMinBalanceForUpkeep(uint256 id) external view returns (uint96 minBalance);

    /// @notice "KeeperRegistry 2.1.0", "AutomationRegistry 2.3.0", ...
    function typeAndVersion() external view returns (string memory);
}

/// @title IAutomationRegistryPricing2_1
/// @notice The minimum balance of an upkeep that does not exist yet, on a 2.1 registry (LINK only).
/// @dev Same selector as `IKeeperRegistryMaster.getMaxPaymentForGas` (`@chainlink/contracts` 1.2.0).
// The name mirrors Chainlink's registry version.
// solhint-disable-next-line contract-name-capwords
interface IAutomationRegistryPricing2_1 {
    /// @notice The most one perform of `gasLimit` gas may cost in LINK, which is the minimum balance of such an
    /// upkeep. `triggerType`: 0 conditional, 1 log.
    function getMaxPaymentForGas(uint8 triggerType, uint32 gasLimit) external view returns (uint96 maxPayment);
}

/// @title IAutomationRegistryPricing2_3
/// @notice The minimum balance of an upkeep that does not exist yet, on a 2.3 registry (per billing token).
/// @dev Same selector as `IAutomationRegistryMaster2_3.getMaxPaymentForGas` (`@chainlink/contracts` 1.2.0).
// The name mirrors Chainlink's registry version.
// solhint-disable-next-line contract-name-capwords
interface IAutomationRegistryPricing2_3 {
    /// @notice The most one perform of `gasLimit` gas may cost in `billingToken`, which is the minimum balance of
    /// such an upkeep. `id` only selects per-upkeep billing overrides (none for an id not registered yet);
    /// `triggerType`: 0 conditional, 1 log.
    function getMaxPaymentForGas(
        uint256 id,
        uint8 triggerType,
        uint32 gasLimit,
        address billingToken
    ) external view returns (uint96 maxPayment);
}
