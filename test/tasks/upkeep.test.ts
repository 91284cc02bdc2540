// gridmarket:register-upkeep and gridmarket:upkeep-status against Chainlink's own Automation 2.3 registry,
// registrar and AutomationForwarder (test/fixtures/automation23.ts), with a full cycle in which the registry
// transmits a signed OCR report whose perform clears an epoch through the forwarder; the 2.1 path against the 2.1
// stand-ins (Chainlink's 2.1 contracts do not compile next to OpenZeppelin 5), which also deploy Chainlink's
// forwarder; gridmarket:set-forwarder, set-auto-clearing and set-cre.
import { expect } from "chai";
import { parseEther, parseUnits, Wallet, ZeroAddress } from "ethers";
import hre from "hardhat";

import {
  AutomationForwarderLogic__factory,
  IAutomationForwarder__factory,
  MockAutomationRegistrar2_1__factory,
  MockAutomationRegistry__factory,
} from "../../typechain-types";
import { AUTOMATION_RETIRED_WARNING, defaultFunding, type UpkeepStatus } from "../../lib/automation";
import { type RegistrationResult } from "../../tasks/upkeep";
import {
  COMMITTEE,
  deployAutomation23,
  MAX_PERFORM_GAS,
  setFastGas,
  simulateCheck,
  transmit,
} from "../fixtures/automation23";
import { EpochStatus, Work } from "../helpers/enums";
import { capture, deployWithEndedEpoch, load, run, runError } from "./helpers";

/** The registry's `UpkeepFailureReason`s seen here. */
const UPKEEP_NOT_NEEDED = 4n;
const INSUFFICIENT_BALANCE = 6n;
/** 2.1 stand-in price: juels per unit of perform gas (5,000,000 gas + 90,000 overhead → 2.036 LINK). */
const JUELS_PER_GAS_21 = parseUnits("400", "gwei");

async function fixture() {
  const system = await deployWithEndedEpoch();
  const [admin, , , , outsider] = await hre.ethers.getSigners();
  const automation = await deployAutomation23(admin);
  const { link } = automation;
  await link.mint(outsider.address, parseEther("0.5"));

  const forwarderLogic = await new AutomationForwarderLogic__factory(admin).deploy();
  const registry21 = await new MockAutomationRegistry__factory(admin).deploy(link, forwarderLogic, JUELS_PER_GAS_21);
  const registrar21 = await new MockAutomationRegistrar2_1__factory(admin).deploy(link, registry21, parseEther("1"));
  await registry21.setRegistrar(registrar21);
  return { ...system, admin, outsider, automation, link, registry21, registrar21 };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Registers through Chainlink's 2.3 registrar with the task (default funding unless `args` say otherwise). */
async function register23(f: Fixture, args: Record<string, unknown> = {}) {
  const registrar = await f.automation.registrar.getAddress();
  return capture(() => hre.run("gridmarket:register-upkeep", { registrar, ...args }) as Promise<RegistrationResult>);
}

describe("operator CLI: Chainlink Automation", () => {
  describe("gridmarket:register-upkeep", () => {
    describe("with Chainlink's Automation 2.3", () => {
      it("funds the upkeep with 3 × the registry's minimum balance by default and wires its forwarder", async () => {
        const f = await load(fixture);
        const { registry } = f.automation;
        const linkBefore = await f.link.balanceOf(f.admin.address);

        const { result, lines } = await register23(f);
        // 1 gwei fast gas × 2, 5,000,000 gas + overhead, 1% premium, $0.02 flat fee, LINK $20, ETH $4,000.
        expect(result.minimumBalance).to.equal(parseEther("2.123056"));
        expect(result.amount).to.equal(parseEther("6.37"));
        expect(result.version).to.equal("2.3");
        expect(result.registry).to.equal(await registry.getAddress());
        expect(await registry.getBalance(result.upkeepId)).to.equal(parseEther("6.37"));
        expect(await registry.getMinBalanceForUpkeep(result.upkeepId)).to.equal(result.minimumBalance);
        expect(await f.link.balanceOf(f.admin.address)).to.equal(linkBefore - parseEther("6.37"));
        const upkeep = await registry.getUpkeep(result.upkeepId);
        expect([upkeep.target, upkeep.performGas, upkeep.admin]).to.deep.equal([
          await f.oracleClient.getAddress(),
          BigInt(MAX_PERFORM_GAS),
          f.admin.address,
        ]);

        // The forwarder is Chainlink's, created by the registry for this upkeep, and now the OracleClient's.
        expect(result.forwarder).to.equal(await registry.getForwarder(result.upkeepId));
        expect(await f.oracleClient.forwarder()).to.equal(result.forwarder);
        const forwarder = IAutomationForwarder__factory.connect(result.forwarder!, hre.ethers.provider);
        expect(await forwarder.getRegistry()).to.equal(await registry.getAddress());
        expect(await forwarder.getTarget()).to.equal(await f.oracleClient.getAddress());
        expect(await forwarder.typeAndVersion()).to.equal("AutomationForwarder 1.0.0");

        expect(lines).to.include("  minimum balance: 2.123056 LINK (registrar minimum 1 LINK)");
        expect(lines).to.include("  funding:         6.37 LINK (3 × the minimum)");
        expect(lines[0]).to.equal(AUTOMATION_RETIRED_WARNING);
        expect(lines[lines.length - 1]).to.equal(AUTOMATION_RETIRED_WARNING);
      });

      it("full cycle: the registry transmits a signed report and the perform clears the epoch through the forwarder", async () => {
        const f = await load(fixture);
        const { registry } = f.automation;
        const { upkeepId, forwarder } = (await register23(f)).result;
        const balance = await registry.getBalance(upkeepId);

        // The registry verifies the report: f signatures, or one from outside the committee, perform nothing.
        const outsider = new Wallet(hre.ethers.id("not a committee member"));
        await expect(
          transmit(f.automation, upkeepId, [COMMITTEE[0]]).then(({ tx }) => tx),
        ).to.be.revertedWithCustomError(registry, "IncorrectNumberOfSignatures");
        await expect(
          transmit(f.automation, upkeepId, [COMMITTEE[0], outsider]).then(({ tx }) => tx),
        ).to.be.revertedWithCustomError(registry, "OnlyActiveSigners");

        const { check, tx } = await transmit(f.automation, upkeepId);
        expect(check.upkeepNeeded).to.equal(true);
        expect(check.performData).to.equal(
          hre.ethers.AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [Work.Match, f.epoch]),
        );
        await expect(tx).to.emit(f.oracleClient, "UpkeepPerformed").withArgs(Work.Match, f.epoch, true, forwarder);
        await expect(tx).to.emit(f.oracleClient, "UpkeepPerformed").withArgs(Work.Settle, f.epoch, true, forwarder);
        const receipt = (await tx.wait())!;
        const [performed] = receipt.logs
          .map((log) => registry.interface.parseLog(log))
          .filter((event) => event?.name === "UpkeepPerformed");
        expect(performed!.args.id).to.equal(upkeepId);
        expect(performed!.args.success).to.equal(true);

        // The epoch cleared at the midpoint of the crossing bid (0.30) and ask (0.20) and settled both orders.
        const result = await f.trading.getEpochResult(f.epoch);
        expect([
          result.status,
          result.clearingPrice,
          result.volume,
          result.orderCount,
          result.settledCount,
        ]).to.deep.equal([BigInt(EpochStatus.Settled), 250_000n, parseEther("1"), 2n, 2n]);
        // The perform was paid from the upkeep's balance; the registry records the block; nothing is left to do.
        expect(await registry.getBalance(upkeepId)).to.equal(balance - performed!.args.totalPayment);
        expect((await registry.getUpkeep(upkeepId)).lastPerformedBlockNumber).to.equal(BigInt(receipt.blockNumber));
        const after = await simulateCheck(f.automation, upkeepId);
        expect([after.upkeepNeeded, after.upkeepFailureReason]).to.deep.equal([false, UPKEEP_NOT_NEEDED]);
      });

      it("refuses an upkeep the registry's minimum balance says it would underfund, naming both figures", async () => {
        const f = await load(fixture);
        await setFastGas(f.automation, parseUnits("10", "gwei"));
        const before = await f.link.balanceOf(f.admin.address);
        const numUpkeeps = await f.automation.registry.getNumUpkeeps();

        expect(
          await runError("gridmarket:register-upkeep", {
            registrar: await f.automation.registrar.getAddress(),
            amount: "5",
          }),
        ).to.equal(
          "--amount: 5 LINK would underfund the upkeep: the registry's minimum balance for 5,000,000 gas is " +
            "21.22156 LINK at the current fast gas price, and the network never performs an upkeep below it. " +
            "Fund at least that (the default, 3 × the minimum, is 63.67 LINK)",
        );
        expect(await f.link.balanceOf(f.admin.address)).to.equal(before);
        expect(await f.automation.registry.getNumUpkeeps()).to.equal(numUpkeeps);

        // The minimum follows the gas limit; the default sizes itself from it.
        const { result } = await register23(f, { gasLimit: "1000000" });
        expect(result.minimumBalance).to.equal(parseEther("5.06156"));
        expect(result.amount).to.equal(parseEther("15.19"));
        expect(await f.automation.registry.getMinBalanceForUpkeep(result.upkeepId)).to.equal(result.minimumBalance);
      });

      it("refuses before spending LINK: below the registrar's minimum, short of LINK, not the admin, not a registrar", async () => {
        const f = await load(fixture);
        const registrar = await f.automation.registrar.getAddress();
        expect(await runError("gridmarket:register-upkeep", { registrar, amount: "0.5" })).to.equal(
          "--amount: 0.5 LINK is below the registrar's minimum registration amount of 1 LINK",
        );
        expect(
          await runError("gridmarket:register-upkeep", { registrar, from: f.outsider.address, skipForwarder: true }),
        ).to.equal(`${f.outsider.address} holds 0.5 LINK; the registration needs 6.37 LINK`);
        expect(await runError("gridmarket:register-upkeep", { registrar, from: f.outsider.address })).to.contain(
          `${f.outsider.address} is not the OracleClient admin (${f.admin.address}), so it cannot set the forwarder.`,
        );
        expect(
          await runError("gridmarket:register-upkeep", { registrar: await f.automation.registry.getAddress() }),
        ).to.equal(
          'unsupported registrar "AutomationRegistry 2.3.0": this task builds RegistrationParams for AutomationRegistrar 2.1 and 2.3',
        );
        expect(await runError("gridmarket:register-upkeep", {})).to.equal(
          "no Automation registrar known for chain 31337: pass --registrar (config/chainlink.json lists the testnets)",
        );
        expect(await runError("gridmarket:register-upkeep", { registrar, amount: "0" })).to.equal(
          '--amount: "0" is not a positive LINK amount',
        );
        expect(await f.link.balanceOf(f.admin.address)).to.equal(parseEther("1000"));
      });

      it("leaves a request pending when the registrar does not auto-approve, without touching the forwarder", async () => {
        const f = await load(fixture);
        const { manualRegistrar } = f.automation;
        const result = await run<RegistrationResult>("gridmarket:register-upkeep", {
          registrar: await manualRegistrar.getAddress(),
          amount: "10",
        });
        expect(result.upkeepId).to.equal(0n);
        expect(await manualRegistrar.getPendingRequest(result.requestHash)).to.deep.equal([
          f.admin.address,
          parseEther("10"),
        ]);
        expect(await f.link.balanceOf(manualRegistrar)).to.equal(parseEther("10"));
        expect(await f.oracleClient.forwarder()).to.equal(ZeroAddress);
      });
    });

    describe("with the 2.1 stand-ins", () => {
      it("funds from the registry's minimum, wires Chainlink's forwarder, and the forwarder clears the epoch", async () => {
        const f = await load(fixture);
        const result = await run<RegistrationResult>("gridmarket:register-upkeep", {
          registrar: await f.registrar21.getAddress(),
        });
        expect(result.version).to.equal("2.1");
        expect(result.minimumBalance).to.equal(parseEther("2.036"));
        expect(result.amount).to.equal(parseEther("6.11"));
        expect(await f.registry21.getBalance(result.upkeepId)).to.equal(parseEther("6.11"));
        expect(await f.oracleClient.forwarder()).to.equal(result.forwarder);
        const forwarder = IAutomationForwarder__factory.connect(result.forwarder!, hre.ethers.provider);
        expect(await forwarder.getRegistry()).to.equal(await f.registry21.getAddress());

        while ((await f.trading.getEpochResult(f.epoch)).status !== BigInt(EpochStatus.Settled)) {
          await expect(f.registry21.simulatePerform(result.upkeepId))
            .to.emit(f.oracleClient, "UpkeepPerformed")
            .withArgs((work: bigint) => work === 1n || work === 2n, f.epoch, true, result.forwarder);
        }
        expect(
          await runError("gridmarket:register-upkeep", { registrar: await f.registrar21.getAddress(), amount: "2" }),
        ).to.equal(
          "--amount: 2 LINK would underfund the upkeep: the registry's minimum balance for 5,000,000 gas is " +
            "2.036 LINK at the current fast gas price, and the network never performs an upkeep below it. " +
            "Fund at least that (the default, 3 × the minimum, is 6.11 LINK)",
        );
      });
    });
  });

  describe("defaultFunding", () => {
    it("is 3 × the minimum balance rounded up to 0.01 LINK, and never below the registrar's minimum", () => {
      expect(defaultFunding(parseEther("2.123056"), parseEther("1"))).to.equal(parseEther("6.37"));
      expect(defaultFunding(parseEther("2"), parseEther("1"))).to.equal(parseEther("6"));
      expect(defaultFunding(1n, 0n)).to.equal(parseEther("0.01"));
      expect(defaultFunding(parseEther("0.1"), parseEther("5"))).to.equal(parseEther("5"));
    });
  });

  describe("gridmarket:upkeep-status", () => {
    it("shows balance against the minimum, the wiring, the last perform, and why an upkeep is not performable", async () => {
      const f = await load(fixture);
      const { registry } = f.automation;
      const { upkeepId, forwarder } = (await register23(f)).result;
      const args = { upkeepId: String(upkeepId), registry: await registry.getAddress() };

      const { result, lines } = (await capture(() => hre.run("gridmarket:upkeep-status", args))) as {
        result: UpkeepStatus;
        lines: string[];
      };
      expect(result).to.deep.include({
        typeAndVersion: "AutomationRegistry 2.3.0",
        forwarder,
        forwarderWired: true,
        balance: parseEther("6.37"),
        minimumBalance: parseEther("2.123056"),
        lastPerformedBlock: 0n,
        workPending: true,
        performable: true,
        reasons: [],
      });
      expect(lines).to.include.members([
        "  balance:         6.37 LINK",
        "  minimum balance: 2.123056 LINK",
        "  spent:           0 LINK",
        "  last perform:    never",
        "  market work:     pending (checkUpkeep is true)",
        "  performable:     yes",
      ]);

      // Gas at 30 gwei: the minimum outgrows the balance, as the registry's own check agrees.
      await setFastGas(f.automation, parseUnits("30", "gwei"));
      const underfunded = await run<UpkeepStatus>("gridmarket:upkeep-status", args);
      expect(underfunded.minimumBalance).to.equal(parseEther("63.66268"));
      expect(underfunded.performable).to.equal(false);
      expect(underfunded.reasons).to.deep.equal(["underfunded: balance 6.37 LINK < minimum 63.66268 LINK"]);
      const check = await simulateCheck(f.automation, upkeepId);
      expect([check.upkeepNeeded, check.upkeepFailureReason]).to.deep.equal([false, INSUFFICIENT_BALANCE]);

      // Back at 1 gwei the network performs it; the status shows the block; unwiring the forwarder shows too.
      await setFastGas(f.automation, parseUnits("1", "gwei"));
      const { tx } = await transmit(f.automation, upkeepId);
      const block = BigInt((await tx.wait())!.blockNumber);
      await run("gridmarket:set-forwarder", { forwarder: "none" });
      const performed = await run<UpkeepStatus>("gridmarket:upkeep-status", args);
      expect(performed.lastPerformedBlock).to.equal(block);
      expect(performed.workPending).to.equal(false);
      expect(performed.reasons).to.deep.equal([
        `the OracleClient's forwarder is ${ZeroAddress}, not this upkeep's ${forwarder}`,
      ]);

      expect(await runError("gridmarket:upkeep-status", { ...args, upkeepId: "12345" })).to.equal(
        `registry ${args.registry} has no upkeep 12345`,
      );
    });
  });

  describe("gridmarket:set-forwarder", () => {
    it("reads the forwarder of an upkeep from the registry, or takes an address, admin only", async () => {
      const f = await load(fixture);
      const { upkeepId, forwarder } = await run<RegistrationResult>("gridmarket:register-upkeep", {
        registrar: await f.automation.registrar.getAddress(),
        skipForwarder: true,
      });
      expect(await f.oracleClient.forwarder()).to.equal(ZeroAddress);

      expect(
        await run("gridmarket:set-forwarder", {
          upkeepId: String(upkeepId),
          registry: await f.automation.registry.getAddress(),
        }),
      ).to.equal(forwarder);
      expect(await f.oracleClient.forwarder()).to.equal(forwarder);

      await run("gridmarket:set-forwarder", { forwarder: "none" });
      expect(await f.oracleClient.forwarder()).to.equal(ZeroAddress);
      expect(
        await runError("gridmarket:set-forwarder", { forwarder: f.outsider.address, from: f.outsider.address }),
      ).to.contain(`${f.outsider.address} is not the OracleClient admin`);
    });
  });

  describe("gridmarket:set-auto-clearing", () => {
    it("switches automatic clearing, which the keeper then respects", async () => {
      const f = await load(fixture);
      expect(await run("gridmarket:set-auto-clearing", { enabled: "off" })).to.equal(false);
      expect(await f.oracleClient.autoMarketClearing()).to.equal(false);
      expect((await run<{ performs: number }>("gridmarket:keeper", { once: true })).performs).to.equal(0);
      expect(await runError("gridmarket:set-auto-clearing", { enabled: "false" })).to.equal(
        "auto clearing already is off",
      );
      expect(await run("gridmarket:set-auto-clearing", { enabled: "on" })).to.equal(true);
    });
  });

  describe("gridmarket:set-cre", () => {
    it("lets the configured CRE forwarder deliver reports of the documented shape, from the allowed workflow only", async () => {
      const f = await load(fixture);
      const [, , , creForwarder] = await hre.ethers.getSigners();
      const workflowId = hre.ethers.id("gridmarket-clearing");
      const result = await run("gridmarket:set-cre", {
        forwarder: creForwarder.address,
        workflowId,
        workflowOwner: f.admin.address,
      });
      expect(result).to.deep.equal({ forwarder: creForwarder.address, workflowId, workflowOwner: f.admin.address });

      // metadata = workflowId (32) | workflowName (10) | workflowOwner (20) | reportName (2); report = (uint8 kind, bytes)
      const metadata = hre.ethers.solidityPacked(
        ["bytes32", "bytes10", "address", "bytes2"],
        [workflowId, "0x" + "00".repeat(10), f.admin.address, "0x0000"],
      );
      const coder = hre.ethers.AbiCoder.defaultAbiCoder();
      const clearing = coder.encode(["uint8", "bytes"], [2, "0x"]);
      const oracle = f.oracleClient.connect(creForwarder);
      while ((await f.trading.getEpochResult(f.epoch)).status !== BigInt(EpochStatus.Settled)) {
        await expect(oracle.onReport(metadata, clearing))
          .to.emit(f.oracleClient, "ReportProcessed")
          .withArgs(2, workflowId, f.admin.address);
      }

      const strangerMetadata = hre.ethers.solidityPacked(
        ["bytes32", "bytes10", "address", "bytes2"],
        [workflowId, "0x" + "00".repeat(10), f.outsider.address, "0x0000"],
      );
      await expect(oracle.onReport(strangerMetadata, clearing))
        .to.be.revertedWithCustomError(f.oracleClient, "OracleClientUnauthorizedWorkflow")
        .withArgs(workflowId, f.outsider.address);

      await run("gridmarket:set-cre", { workflowId: "any", workflowOwner: "any" });
      expect(await f.oracleClient.creWorkflow()).to.deep.equal([hre.ethers.ZeroHash, ZeroAddress]);
      expect(await runError("gridmarket:set-cre", { workflowId: "any" })).to.equal(
        "the CRE workflow filter already is that",
      );
      expect(await runError("gridmarket:set-cre", { forwarder: "none", from: f.outsider.address })).to.equal(
        `${f.outsider.address} is not the OracleClient admin (${f.admin.address}), so it cannot set the CRE forwarder and workflow.`,
      );
    });
  });
});
