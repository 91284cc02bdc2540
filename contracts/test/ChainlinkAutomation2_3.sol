// SPDX-License-Identifier: MIT
// Chainlink's Automation 2.3 contracts pin solc 0.8.19 (hardhat.config.ts compiles them with it).
// solhint-disable-next-line compiler-version
pragma solidity 0.8.19;

// Compiles Chainlink's own Automation 2.3 stack from @chainlink/contracts 1.2.0, which ships ABIs but no bytecode,
// so that the upkeep tests run against the real registry, registrar and per-upkeep forwarder
// (test/fixtures/automation23.ts deploys and configures them): the registry (root + logic A, B, C), the registrar,
// the forwarder logic, the base chain module, and what they are wired to (LINK, WETH, price feeds). Tests only.
/* solhint-disable no-unused-import */
import {AutomationRegistry2_3} from "@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistry2_3.sol";
import {AutomationRegistryLogicA2_3} from "@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicA2_3.sol";
import {AutomationRegistryLogicB2_3} from "@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicB2_3.sol";
import {AutomationRegistryLogicC2_3} from "@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistryLogicC2_3.sol";
import {AutomationRegistrar2_3} from "@chainlink/contracts/src/v0.8/automation/v2_3/AutomationRegistrar2_3.sol";
import {IAutomationRegistryMaster2_3} from "@chainlink/contracts/src/v0.8/automation/interfaces/v2_3/IAutomationRegistryMaster2_3.sol";
import {AutomationForwarderLogic} from "@chainlink/contracts/src/v0.8/automation/AutomationForwarderLogic.sol";
import {ChainModuleBase} from "@chainlink/contracts/src/v0.8/automation/chains/ChainModuleBase.sol";
import {WETH9} from "@chainlink/contracts/src/v0.8/automation/test/v2_3/WETH9.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {LinkToken} from "@chainlink/contracts/src/v0.8/shared/token/ERC677/LinkToken.sol";
/* solhint-enable no-unused-import */
