// Regulator and admin tasks: users, meters, roles, pause; and how tasks find (or refuse) a deployment.
import { expect } from "chai";
import { encodeBytes32String, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import hre from "hardhat";

import { capture, deploySystem, load, run, runError, writeDeployment } from "./helpers";

const PROSUMER = 1n;
const CONSUMER = 2n;
const SOMEONE = "0x00000000000000000000000000000000000000AA";
const ACTIVE = 1n;
const SUSPENDED = 2n;

/** The deployed system and the cast: account 0 is the admin, first REC regulator and oracle operator. */
async function fixture() {
  const system = await load(deploySystem);
  const [admin, alice, bob, carol, outsider] = await hre.ethers.getSigners();
  return { ...system, admin, alice, bob, carol, outsider };
}

describe("operator CLI: users, meters, roles", () => {
  describe("deployment lookup", () => {
    it("explains how to deploy when the network has no deployment", async () => {
      await fixture();
      const message = await runError("gridmarket:user", { account: SOMEONE, deploymentId: "chain-999" });
      expect(message).to.contain('No GridMarket deployment "chain-999" for network "hardhat" (chain 31337)');
      expect(message).to.contain("npx hardhat ignition deploy deploy/modules/GridMarket.ts --network hardhat");
      expect(message).to.contain("start `npx hardhat node` and use `--network localhost`");
    });

    it("refuses a deployment journaled on another chain", async () => {
      const { registry } = await fixture();
      writeDeployment({ "Registry#Registry": await registry.getAddress() }, "other-chain", [
        JSON.stringify({ type: "DEPLOYMENT_INITIALIZE", chainId: 11155111 }),
      ]);
      expect(await runError("gridmarket:user", { account: SOMEONE, deploymentId: "other-chain" })).to.contain(
        'Deployment "other-chain" was made on chain 11155111, but network "hardhat" is chain 31337',
      );
    });

    it("refuses addresses without code (a restarted node)", async () => {
      const { registry, gridToken, trading } = await fixture();
      writeDeployment(
        {
          "Registry#Registry": await registry.getAddress(),
          "GridToken#GridToken": await gridToken.getAddress(),
          "Trading#Trading": await trading.getAddress(),
          "OracleClient#OracleClient": "0x000000000000000000000000000000000000dEaD",
        },
        "stale",
      );
      expect(await runError("gridmarket:user", { account: SOMEONE, deploymentId: "stale" })).to.contain(
        'No contract at 0x000000000000000000000000000000000000dEaD (OracleClient) on network "hardhat" (chain 31337). ' +
          "The node was restarted since the deployment",
      );
    });

    it("refuses contracts that are not wired to each other", async () => {
      const { registry, gridToken, trading, oracleClient } = await fixture();
      writeDeployment(
        {
          "Registry#Registry": await gridToken.getAddress(),
          "GridToken#GridToken": await gridToken.getAddress(),
          "Trading#Trading": await trading.getAddress(),
          "OracleClient#OracleClient": await oracleClient.getAddress(),
        },
        "miswired",
      );
      expect(await runError("gridmarket:user", { account: SOMEONE, deploymentId: "miswired" })).to.contain(
        `is inconsistent: Trading.registry() is ${await registry.getAddress()}, the deployment lists ${await gridToken.getAddress()}`,
      );
    });

    it("names the account range when --from is out of it", async () => {
      await fixture();
      const count = (await hre.ethers.getSigners()).length;
      expect(await runError("gridmarket:user", { account: SOMEONE, from: "999" })).to.equal(
        `--from 999: network "hardhat" has ${count} account(s), indexes 0 to ${count - 1}`,
      );
    });
  });

  describe("gridmarket:register-user", () => {
    it("registers a prosumer, reads the record back and prints it", async () => {
      const { registry, alice } = await fixture();
      const { lines } = await capture(() =>
        hre.run("gridmarket:register-user", { account: alice.address, type: "prosumer", location: "North 7" }),
      );
      const user = await registry.getUser(alice.address);
      expect([user.userType, user.status, user.location]).to.deep.equal([PROSUMER, ACTIVE, "North 7"]);
      expect(lines).to.include("  registered: Prosumer, Active");
      expect(lines).to.include("  location:   North 7");
    });

    it("refuses a second registration, a bad type, and a sender that is not a regulator", async () => {
      const { alice, bob, outsider } = await fixture();
      await run("gridmarket:register-user", { account: alice.address, type: "consumer" });
      expect(await runError("gridmarket:register-user", { account: alice.address, type: "consumer" })).to.equal(
        `${alice.address} is already registered (Consumer, Active)`,
      );
      expect(await runError("gridmarket:register-user", { account: bob.address, type: "landlord" })).to.equal(
        '--type: "landlord" is not one of Prosumer, Consumer',
      );
      expect(
        await runError("gridmarket:register-user", { account: bob.address, type: "consumer", from: outsider.address }),
      ).to.equal(
        `${outsider.address} is not a REC regulator; a regulator or the admin can run gridmarket:add-regulator --account ${outsider.address}`,
      );
      expect(
        await runError("gridmarket:register-user", {
          account: bob.address,
          type: "consumer",
          location: "x".repeat(129),
        }),
      ).to.equal("--location is 129 bytes; at most 128");
    });
  });

  describe("gridmarket:suspend-user / reactivate-user", () => {
    it("suspends and reactivates, refusing no-ops", async () => {
      const { registry, alice } = await fixture();
      await run("gridmarket:register-user", { account: alice.address, type: "consumer" });

      await run("gridmarket:suspend-user", { account: alice.address });
      expect((await registry.getUser(alice.address)).status).to.equal(SUSPENDED);
      expect(await registry.isUserVerified(alice.address)).to.equal(false);
      expect(await runError("gridmarket:suspend-user", { account: alice.address })).to.equal(
        `${alice.address} is already suspended`,
      );

      await run("gridmarket:reactivate-user", { account: alice.address });
      expect((await registry.getUser(alice.address)).status).to.equal(ACTIVE);
      expect((await registry.getUser(alice.address)).userType).to.equal(CONSUMER);
    });

    it("refuses unregistered accounts", async () => {
      const { bob } = await fixture();
      expect(await runError("gridmarket:suspend-user", { account: bob.address })).to.equal(
        `${bob.address} is not registered; use gridmarket:register-user first`,
      );
    });
  });

  describe("meters", () => {
    it("assigns a meter by serial, sets its signer, unassigns it", async () => {
      const { registry, alice, carol } = await fixture();
      await run("gridmarket:register-user", { account: alice.address, type: "prosumer" });
      const meterId = encodeBytes32String("MTR-0001");

      await run("gridmarket:assign-meter", { meter: "MTR-0001", owner: alice.address });
      expect(await registry.getMeterOwner(meterId)).to.equal(alice.address);
      expect(await registry.getUserMeters(alice.address)).to.deep.equal([meterId]);

      await run("gridmarket:set-meter-signer", { meter: "MTR-0001", signer: carol.address });
      expect(await registry.getMeterSigner(meterId)).to.equal(carol.address);
      expect(await runError("gridmarket:set-meter-signer", { meter: "MTR-0001", signer: carol.address })).to.equal(
        `meter MTR-0001 (${meterId}) already has signer ${carol.address}`,
      );
      await run("gridmarket:set-meter-signer", { meter: "MTR-0001", signer: "none" });
      expect(await registry.getMeterSigner(meterId)).to.equal(ZeroAddress);

      await run("gridmarket:unassign-meter", { meter: "MTR-0001" });
      expect(await registry.getMeterOwner(meterId)).to.equal(ZeroAddress);
      expect(await runError("gridmarket:unassign-meter", { meter: "MTR-0001" })).to.equal(
        `meter MTR-0001 (${meterId}) is not assigned to anyone`,
      );
    });

    it("hashes long serials and refuses double assignment and unknown owners", async () => {
      const { registry, alice, bob } = await fixture();
      await run("gridmarket:register-user", { account: alice.address, type: "prosumer" });
      await run("gridmarket:register-user", { account: bob.address, type: "prosumer" });
      const serial = "CAMPUS-NORTH-BUILDING-7-FLAT-12-METER-A";
      const meterId = keccak256(toUtf8Bytes(serial));

      await run("gridmarket:assign-meter", { meter: serial, owner: alice.address });
      expect(await registry.getMeterOwner(meterId)).to.equal(alice.address);
      expect(await runError("gridmarket:assign-meter", { meter: serial, owner: bob.address })).to.equal(
        `meter ${meterId} already belongs to ${alice.address}; run gridmarket:unassign-meter first`,
      );
      const stranger = hre.ethers.Wallet.createRandom().address;
      expect(await runError("gridmarket:assign-meter", { meter: "MTR-9", owner: stranger })).to.equal(
        `${stranger} is not registered; use gridmarket:register-user first`,
      );
    });

    it("shows a meter's owner and oracle state", async () => {
      const { alice } = await fixture();
      await run("gridmarket:register-user", { account: alice.address, type: "prosumer" });
      await run("gridmarket:assign-meter", { meter: "MTR-0002", owner: alice.address });
      const { result, lines } = await capture(() => hre.run("gridmarket:meter", { meter: "MTR-0002" }));
      expect((result as { owner: string }).owner).to.equal(alice.address);
      expect(lines).to.include("  last reading: none (the next reading sets the baseline)");
      expect(lines).to.include("  rated power:  100000 W");
    });
  });

  describe("roles", () => {
    const cases = [
      { slug: "regulator", check: "isRecRegulator", on: "registry" },
      { slug: "oracle-operator", check: "isOracleOperator", on: "oracleClient" },
      { slug: "minter", check: "isMinter", on: "gridToken" },
      { slug: "burner", check: "isBurner", on: "gridToken" },
      { slug: "market-maker", check: "isMarketMaker", on: "trading" },
    ] as const;

    for (const { slug, check, on } of cases) {
      it(`adds and removes a ${slug}`, async () => {
        const system = await fixture();
        const contract = system[on] as unknown as Record<string, (a: string) => Promise<boolean>>;
        const account = system.bob.address;

        expect(await run(`gridmarket:add-${slug}`, { account })).to.equal(true);
        expect(await contract[check](account)).to.equal(true);
        expect(await runError(`gridmarket:add-${slug}`, { account })).to.match(new RegExp(`${account} already is a `));

        expect(await run(`gridmarket:remove-${slug}`, { account })).to.equal(false);
        expect(await contract[check](account)).to.equal(false);
        expect(await runError(`gridmarket:remove-${slug}`, { account })).to.match(new RegExp(`${account} is not a `));
      });
    }

    it("refuses role changes by non-regulators", async () => {
      const { bob, outsider } = await fixture();
      expect(await runError("gridmarket:add-market-maker", { account: bob.address, from: outsider.address })).to.equal(
        `${outsider.address} may not change market makers: only a REC regulator may`,
      );
    });
  });

  describe("gridmarket:pause / unpause", () => {
    it("pauses and unpauses every contract, admin only", async () => {
      const { registry, gridToken, trading, oracleClient, outsider } = await fixture();
      expect(await runError("gridmarket:pause", { contract: "trading", from: outsider.address })).to.equal(
        `${outsider.address} is not the admin of trading; only the admin can pause`,
      );

      expect(await run("gridmarket:pause", { contract: "all" })).to.deep.equal({
        registry: true,
        gridToken: true,
        trading: true,
        oracleClient: true,
      });
      expect(await trading.paused()).to.equal(true);
      expect(await run("gridmarket:unpause", { contract: "trading" })).to.deep.equal({
        registry: true,
        gridToken: true,
        trading: false,
        oracleClient: true,
      });
      await run("gridmarket:unpause", { contract: "all" });
      expect([await registry.paused(), await gridToken.paused(), await oracleClient.paused()]).to.deep.equal([
        false,
        false,
        false,
      ]);
    });
  });
});
