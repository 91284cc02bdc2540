// gridmarket:register-upkeep against mock 2.1 and 2.3 registrars and registries paid in Chainlink's LinkToken;
// gridmarket:set-forwarder and set-auto-clearing.
import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";
import hre from "hardhat";

import type {
  LinkToken,
  MockAutomationRegistrar2_1,
  MockAutomationRegistrar2_3,
  MockAutomationRegistry,
} from "../../typechain-types";
import { AUTOMATION_RETIRED_WARNING, type RegistrationResult } from "../../tasks/upkeep";
import { capture, deployWithEndedEpoch, load, run, runError } from "./helpers";

const SETTLED = 5n;

async function fixture() {
  const system = await deployWithEndedEpoch();
  const [admin, , , , outsider] = await hre.ethers.getSigners();
  const link = (await hre.ethers.deployContract("LinkToken")) as unknown as LinkToken;
  await link.grantMintRole(admin.address);
  await link.mint(admin.address, parseEther("100"));
  await link.mint(outsider.address, parseEther("0.5"));

  const deployRegistry = async (typeAndVersion: string) =>
    (await hre.ethers.deployContract("MockAutomationRegistry", [
      link,
      typeAndVersion,
    ])) as unknown as MockAutomationRegistry;
  const registry21 = await deployRegistry("KeeperRegistry 2.1.0");
  const registry23 = await deployRegistry("AutomationRegistry 2.3.0");
  const deployRegistrar = async (name: string, registry: MockAutomationRegistry, autoApprove: boolean) =>
    hre.ethers.deployContract(name, [link, registry, parseEther("1"), autoApprove]);
  const registrar21 = (await deployRegistrar(
    "MockAutomationRegistrar2_1",
    registry21,
    true,
  )) as unknown as MockAutomationRegistrar2_1;
  const registrar23 = (await deployRegistrar(
    "MockAutomationRegistrar2_3",
    registry23,
    true,
  )) as unknown as MockAutomationRegistrar2_3;
  const manual23 = (await deployRegistrar(
    "MockAutomationRegistrar2_3",
    registry23,
    false,
  )) as unknown as MockAutomationRegistrar2_3;
  await registry21.setRegistrar(registrar21);
  await registry23.setRegistrar(registrar23);
  return { ...system, admin, outsider, link, registry21, registry23, registrar21, registrar23, manual23 };
}

describe("operator CLI: Chainlink Automation", () => {
  describe("gridmarket:register-upkeep", () => {
    for (const version of ["2.1", "2.3"] as const) {
      it(`registers through a ${version} registrar, funds the upkeep and wires its forwarder`, async () => {
        const f = await load(fixture);
        const registrar = version === "2.1" ? f.registrar21 : f.registrar23;
        const registry = version === "2.1" ? f.registry21 : f.registry23;
        const linkBefore = await f.link.balanceOf(f.admin.address);

        const registrarAddress = await registrar.getAddress();
        const { result, lines } = await capture(() =>
          hre.run("gridmarket:register-upkeep", { registrar: registrarAddress, amount: "5" }),
        );
        const registration = result as RegistrationResult;
        expect(registration.version).to.equal(version);
        expect(registration.registry).to.equal(await registry.getAddress());
        expect(registration.upkeepId).to.not.equal(0n);
        expect(registration.forwarder).to.equal(await registry.getForwarder(registration.upkeepId));
        expect(await f.oracleClient.forwarder()).to.equal(registration.forwarder);
        expect(await registry.getUpkeepTarget(registration.upkeepId)).to.deep.equal([
          await f.oracleClient.getAddress(),
          5_000_000n,
          f.admin.address,
        ]);
        expect(await registry.getBalance(registration.upkeepId)).to.equal(parseEther("5"));
        expect(await f.link.balanceOf(f.admin.address)).to.equal(linkBefore - parseEther("5"));
        expect(lines[0]).to.equal(AUTOMATION_RETIRED_WARNING);
        expect(lines[lines.length - 1]).to.equal(AUTOMATION_RETIRED_WARNING);

        // The forwarder is now allowed to perform: the mock node clears the ended epoch through it.
        while ((await f.trading.getEpochResult(f.epoch)).status !== SETTLED) {
          await expect(registry.simulatePerform(registration.upkeepId))
            .to.emit(f.oracleClient, "UpkeepPerformed")
            .withArgs(
              (work: bigint) => work === 1n || work === 2n,
              f.epoch,
              (done: boolean) => typeof done === "boolean",
              registration.forwarder,
            );
        }
        expect(await f.oracleClient.lastMarketCheck()).to.be.greaterThan(0n);
      });
    }

    it("leaves a request pending when the registrar does not auto-approve, without touching the forwarder", async () => {
      const f = await load(fixture);
      const result = await run<RegistrationResult>("gridmarket:register-upkeep", {
        registrar: await f.manual23.getAddress(),
        amount: "2",
      });
      expect(result.upkeepId).to.equal(0n);
      expect(await f.manual23.getPendingRequest(result.requestHash)).to.equal(parseEther("2"));
      expect(await f.link.balanceOf(f.manual23)).to.equal(parseEther("2"));
      expect(await f.oracleClient.forwarder()).to.equal(ZeroAddress);
    });

    it("refuses before spending LINK: below the minimum, short of LINK, not the admin, unknown registrar", async () => {
      const f = await load(fixture);
      const registrar = await f.registrar23.getAddress();
      expect(await runError("gridmarket:register-upkeep", { registrar, amount: "0.5" })).to.equal(
        "--amount: the registrar requires at least 1.0 LINK",
      );
      expect(
        await runError("gridmarket:register-upkeep", {
          registrar,
          amount: "1",
          from: f.outsider.address,
          skipForwarder: true,
        }),
      ).to.equal(`${f.outsider.address} holds 0.5 LINK; the registration needs 1`);
      expect(await runError("gridmarket:register-upkeep", { registrar, from: f.outsider.address })).to.contain(
        `${f.outsider.address} is not the OracleClient admin (${f.admin.address}), so it cannot set the forwarder.`,
      );
      expect(await runError("gridmarket:register-upkeep", { registrar: await f.registry21.getAddress() })).to.equal(
        'unsupported registrar "KeeperRegistry 2.1.0": this task builds RegistrationParams for AutomationRegistrar 2.1 and 2.3',
      );
      expect(await runError("gridmarket:register-upkeep", {})).to.equal(
        "no Automation registrar known for chain 31337: pass --registrar (config/chainlink.json lists the testnets)",
      );
      expect(await f.link.balanceOf(f.admin.address)).to.equal(parseEther("100"));
    });
  });

  describe("gridmarket:set-forwarder", () => {
    it("reads the forwarder of an upkeep from the registry, or takes an address, admin only", async () => {
      const f = await load(fixture);
      const { upkeepId, forwarder } = await run<RegistrationResult>("gridmarket:register-upkeep", {
        registrar: await f.registrar21.getAddress(),
        skipForwarder: true,
      });
      expect(await f.oracleClient.forwarder()).to.equal(ZeroAddress);

      expect(
        await run("gridmarket:set-forwarder", {
          upkeepId: String(upkeepId),
          registry: await f.registry21.getAddress(),
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
      while ((await f.trading.getEpochResult(f.epoch)).status !== SETTLED) {
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
