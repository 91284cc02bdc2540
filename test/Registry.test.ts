import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers, ignition } from "hardhat";

import { buildRegistryModule } from "../deploy/modules/Registry";
import { Registry__factory } from "../typechain-types";
import { meterId, registryFixture } from "./fixtures";
import {
  shouldBeAdminOnly,
  shouldBeRegulatorOnly,
  expectStoppedByPause,
  shouldBeStoppedByPause,
} from "./helpers/access";
import { expectRevert } from "./helpers/reverts";

// `IRegistry` enums, in declaration order.
const UserType = { None: 0, Prosumer: 1, Consumer: 2 } as const;
const UserStatus = { None: 0, Active: 1, Suspended: 2 } as const;

const ADMIN_ROLE = ethers.ZeroHash;
const REC_REGULATOR_ROLE = ethers.id("REC_REGULATOR_ROLE");
const MAX_LOCATION_LENGTH = 128;
const DEFAULT_MAX_METERS = 10n;
const METER = meterId("MTR-0001");
const OTHER_METER = meterId("MTR-0002");

/** The registry with `regulator` added, one prosumer and one consumer registered, the prosumer owning METER. */
async function populatedFixture() {
  const f = await registryFixture();
  const { registry, admin, regulator, prosumers, consumers } = f;
  await registry.connect(admin).addRecRegulator(regulator.address);
  await registry.connect(regulator).registerUser(prosumers[0].address, UserType.Prosumer, "Hall A");
  await registry.connect(regulator).registerUser(consumers[0].address, UserType.Consumer, "Library");
  await registry.connect(regulator).assignMeter(METER, prosumers[0].address);
  return { ...f, prosumer: prosumers[0], consumer: consumers[0] };
}

type Populated = Awaited<ReturnType<typeof populatedFixture>>;

async function accessContext() {
  const f = await populatedFixture();
  return { ...f, contract: f.registry };
}

describe("Registry", function () {
  describe("deployment (Ignition module Registry)", function () {
    it("makes the admin the default admin and the first REC regulator", async function () {
      const { registry, admin } = await loadFixture(registryFixture);
      expect(await registry.defaultAdmin()).to.equal(admin.address);
      expect(await registry.defaultAdminDelay()).to.equal(0n);
      expect(await registry.isRecRegulator(admin.address)).to.equal(true);
      expect(await registry.hasRole(REC_REGULATOR_ROLE, admin.address)).to.equal(true);
      expect(await registry.REC_REGULATOR_ROLE()).to.equal(REC_REGULATOR_ROLE);
      expect(await registry.maxMetersPerUser()).to.equal(DEFAULT_MAX_METERS);
      expect(await registry.paused()).to.equal(false);
    });

    it("emits RecRegulatorAdded for the admin, by the deployer", async function () {
      const [deployer, admin] = await ethers.getSigners();
      const registry = await new Registry__factory(deployer).deploy(admin.address, 0);
      await expect(registry.deploymentTransaction())
        .to.emit(registry, "RecRegulatorAdded")
        .withArgs(admin.address, deployer.address);
    });

    it("reverts with AccessControlInvalidDefaultAdmin for a zero admin", async function () {
      const [deployer] = await ethers.getSigners();
      const factory = new Registry__factory(deployer);
      await expect(factory.deploy(ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("takes the admin and the admin delay from the module parameters", async function () {
      const [, , other] = await ethers.getSigners();
      const { registry } = await ignition.deploy(buildRegistryModule(), {
        parameters: { Registry: { admin: other.address, adminDelay: 3600 } },
      });
      const typed = Registry__factory.connect(await registry.getAddress(), other);
      expect(await typed.defaultAdmin()).to.equal(other.address);
      expect(await typed.defaultAdminDelay()).to.equal(3600n);
      expect(await typed.isRecRegulator(other.address)).to.equal(true);
    });
  });

  describe("#addRecRegulator", function () {
    it("lets a regulator add a regulator and emits RecRegulatorAdded", async function () {
      const { registry, admin, regulator } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).addRecRegulator(regulator.address))
        .to.emit(registry, "RecRegulatorAdded")
        .withArgs(regulator.address, admin.address);
      expect(await registry.isRecRegulator(regulator.address)).to.equal(true);
    });

    describe("when the admin is no longer a regulator", function () {
      it("still lets the admin add one", async function () {
        const { registry, admin, regulator } = await loadFixture(registryFixture);
        await registry.connect(admin).removeRecRegulator(admin.address);
        expect(await registry.isRecRegulator(admin.address)).to.equal(false);
        await expect(registry.connect(admin).addRecRegulator(regulator.address))
          .to.emit(registry, "RecRegulatorAdded")
          .withArgs(regulator.address, admin.address);
      });
    });

    it("reverts with RegistryZeroAddress for the zero address", async function () {
      const { registry, admin } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).addRecRegulator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "RegistryZeroAddress",
      );
    });

    it("reverts with RegistryAlreadyRecRegulator for an existing regulator", async function () {
      const { registry, admin } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).addRecRegulator(admin.address))
        .to.be.revertedWithCustomError(registry, "RegistryAlreadyRecRegulator")
        .withArgs(admin.address);
    });
  });

  describe("#removeRecRegulator", function () {
    it("removes a regulator and emits RecRegulatorRemoved", async function () {
      const { registry, admin, regulator } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).removeRecRegulator(admin.address))
        .to.emit(registry, "RecRegulatorRemoved")
        .withArgs(admin.address, regulator.address);
      expect(await registry.isRecRegulator(admin.address)).to.equal(false);
    });

    it("reverts with RegistryUnknownRecRegulator for an account that is not a regulator", async function () {
      const { registry, admin, outsider } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).removeRecRegulator(outsider.address))
        .to.be.revertedWithCustomError(registry, "RegistryUnknownRecRegulator")
        .withArgs(outsider.address);
    });

    describe("when the last regulator is removed", function () {
      it("leaves no regulator: regulator functions revert for the former regulator", async function () {
        const { registry, admin, regulator, outsider } = await loadFixture(populatedFixture);
        await registry.connect(admin).removeRecRegulator(regulator.address);
        await expect(registry.connect(admin).removeRecRegulator(admin.address))
          .to.emit(registry, "RecRegulatorRemoved")
          .withArgs(admin.address, admin.address);
        expect(await registry.isRecRegulator(admin.address)).to.equal(false);
        expect(await registry.isRecRegulator(regulator.address)).to.equal(false);
        await expect(registry.connect(admin).registerUser(outsider.address, UserType.Consumer, ""))
          .to.be.revertedWithCustomError(registry, "NotRecRegulator")
          .withArgs(admin.address);
      });

      it("lets the admin re-add a regulator, who can act at once", async function () {
        const { registry, admin, regulator, outsider } = await loadFixture(populatedFixture);
        await registry.connect(admin).removeRecRegulator(regulator.address);
        await registry.connect(admin).removeRecRegulator(admin.address);
        await expect(registry.connect(admin).addRecRegulator(regulator.address))
          .to.emit(registry, "RecRegulatorAdded")
          .withArgs(regulator.address, admin.address);
        await expect(registry.connect(regulator).registerUser(outsider.address, UserType.Consumer, "Lab"))
          .to.emit(registry, "UserRegistered")
          .withArgs(outsider.address, UserType.Consumer, "Lab", regulator.address);
      });
    });
  });

  describe("AccessControl's generic role functions", function () {
    // [the AccessControl function, its call, the account it targets: a regulator stays one, an outsider stays none]
    const refused = [
      ["grant", (c) => c.registry.connect(c.admin).grantRole(REC_REGULATOR_ROLE, c.outsider.address), "outsider"],
      ["revoke", (c) => c.registry.connect(c.admin).revokeRole(REC_REGULATOR_ROLE, c.regulator.address), "regulator"],
      [
        "renounce",
        (c) => c.registry.connect(c.regulator).renounceRole(REC_REGULATOR_ROLE, c.regulator.address),
        "regulator",
      ],
    ] as const satisfies readonly [string, (c: Populated) => Promise<unknown>, "outsider" | "regulator"][];
    for (const [verb, send, account] of refused) {
      const what = verb === "renounce" ? "let a regulator renounce the role" : `${verb} the REC regulator role`;
      it(`refuse to ${what} with RegistryUseRegulatorFunctions`, async function () {
        const ctx = await loadFixture(populatedFixture);
        await expectRevert(send(ctx), ctx.registry, "RegistryUseRegulatorFunctions", REC_REGULATOR_ROLE);
        expect(await ctx.registry.isRecRegulator(ctx[account].address)).to.equal(account === "regulator");
      });
    }

    it("still manage other roles: the admin may grant, revoke and renounce an unrelated role", async function () {
      const { registry, admin, outsider } = await loadFixture(registryFixture);
      const OTHER_ROLE = ethers.id("OTHER_ROLE");
      await expect(registry.connect(admin).grantRole(OTHER_ROLE, outsider.address))
        .to.emit(registry, "RoleGranted")
        .withArgs(OTHER_ROLE, outsider.address, admin.address);
      await expect(registry.connect(outsider).renounceRole(OTHER_ROLE, outsider.address))
        .to.emit(registry, "RoleRevoked")
        .withArgs(OTHER_ROLE, outsider.address, outsider.address);
      await registry.connect(admin).grantRole(OTHER_ROLE, outsider.address);
      await expect(registry.connect(admin).revokeRole(OTHER_ROLE, outsider.address))
        .to.emit(registry, "RoleRevoked")
        .withArgs(OTHER_ROLE, outsider.address, admin.address);
    });
  });

  describe("#registerUser", function () {
    it("registers an active prosumer and emits UserRegistered", async function () {
      const { registry, admin, prosumers } = await loadFixture(registryFixture);
      const tx = await registry.connect(admin).registerUser(prosumers[0].address, UserType.Prosumer, "Hall A, 3.14");
      await expect(tx)
        .to.emit(registry, "UserRegistered")
        .withArgs(prosumers[0].address, UserType.Prosumer, "Hall A, 3.14", admin.address);
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      const user = await registry.getUser(prosumers[0].address);
      expect(user.userType).to.equal(UserType.Prosumer);
      expect(user.status).to.equal(UserStatus.Active);
      expect(user.registeredAt).to.equal(BigInt(block!.timestamp));
      expect(user.meterCount).to.equal(0n);
      expect(user.location).to.equal("Hall A, 3.14");
      expect(await registry.isUserVerified(prosumers[0].address)).to.equal(true);
      expect(await registry.isProsumer(prosumers[0].address)).to.equal(true);
    });

    it("registers a consumer, who is verified but not a prosumer", async function () {
      const { registry, admin, consumers } = await loadFixture(registryFixture);
      await registry.connect(admin).registerUser(consumers[0].address, UserType.Consumer, "Library");
      expect(await registry.isUserVerified(consumers[0].address)).to.equal(true);
      expect(await registry.isProsumer(consumers[0].address)).to.equal(false);
    });

    it("accepts a location of exactly MAX_LOCATION_LENGTH bytes", async function () {
      const { registry, admin, consumers } = await loadFixture(registryFixture);
      const location = "x".repeat(MAX_LOCATION_LENGTH);
      await registry.connect(admin).registerUser(consumers[0].address, UserType.Consumer, location);
      expect((await registry.getUser(consumers[0].address)).location).to.equal(location);
      expect(await registry.MAX_LOCATION_LENGTH()).to.equal(BigInt(MAX_LOCATION_LENGTH));
    });

    it("reverts with RegistryLocationTooLong one byte beyond the limit (counting bytes, not characters)", async function () {
      const { registry, admin, consumers } = await loadFixture(registryFixture);
      const location = "é".repeat(64) + "x"; // 129 bytes in UTF-8
      await expect(registry.connect(admin).registerUser(consumers[0].address, UserType.Consumer, location))
        .to.be.revertedWithCustomError(registry, "RegistryLocationTooLong")
        .withArgs(MAX_LOCATION_LENGTH + 1, MAX_LOCATION_LENGTH);
    });

    it("reverts with RegistryZeroAddress for the zero address", async function () {
      const { registry, admin } = await loadFixture(registryFixture);
      await expect(
        registry.connect(admin).registerUser(ethers.ZeroAddress, UserType.Prosumer, ""),
      ).to.be.revertedWithCustomError(registry, "RegistryZeroAddress");
    });

    it("reverts with RegistryInvalidUserType for UserType.None", async function () {
      const { registry, admin, outsider } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).registerUser(outsider.address, UserType.None, ""))
        .to.be.revertedWithCustomError(registry, "RegistryInvalidUserType")
        .withArgs(UserType.None);
    });

    it("reverts with RegistryUserAlreadyRegistered for a registered account, even as another type", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).registerUser(prosumer.address, UserType.Consumer, ""))
        .to.be.revertedWithCustomError(registry, "RegistryUserAlreadyRegistered")
        .withArgs(prosumer.address);
    });
  });

  describe("#updateUserStatus", function () {
    it("suspends a user and emits UserStatusUpdated; the user is no longer verified", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Suspended))
        .to.emit(registry, "UserStatusUpdated")
        .withArgs(prosumer.address, UserStatus.Active, UserStatus.Suspended, regulator.address);
      expect(await registry.isUserVerified(prosumer.address)).to.equal(false);
      expect(await registry.isProsumer(prosumer.address)).to.equal(false);
      expect((await registry.getUser(prosumer.address)).status).to.equal(UserStatus.Suspended);
    });

    it("reactivates a suspended user", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Suspended);
      await expect(registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Active))
        .to.emit(registry, "UserStatusUpdated")
        .withArgs(prosumer.address, UserStatus.Suspended, UserStatus.Active, regulator.address);
      expect(await registry.isProsumer(prosumer.address)).to.equal(true);
    });

    it("reverts with RegistryUserNotRegistered for an unknown account", async function () {
      const { registry, regulator, outsider } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).updateUserStatus(outsider.address, UserStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "RegistryUserNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts with RegistryInvalidStatus for UserStatus.None", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.None))
        .to.be.revertedWithCustomError(registry, "RegistryInvalidStatus")
        .withArgs(prosumer.address, UserStatus.None);
    });

    it("reverts with RegistryInvalidStatus for the current status (no-op)", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Active))
        .to.be.revertedWithCustomError(registry, "RegistryInvalidStatus")
        .withArgs(prosumer.address, UserStatus.Active);
    });
  });

  describe("#assignMeter", function () {
    it("assigns a meter and emits MeterAssigned", async function () {
      const { registry, regulator, consumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).assignMeter(OTHER_METER, consumer.address))
        .to.emit(registry, "MeterAssigned")
        .withArgs(OTHER_METER, consumer.address, regulator.address);
      expect(await registry.getMeterOwner(OTHER_METER)).to.equal(consumer.address);
      expect(await registry.getUserMeters(consumer.address)).to.deep.equal([OTHER_METER]);
      expect((await registry.getUser(consumer.address)).meterCount).to.equal(1n);
    });

    it("assigns a meter to a suspended user (the meter keeps measuring)", async function () {
      const { registry, regulator, consumer } = await loadFixture(populatedFixture);
      await registry.connect(regulator).updateUserStatus(consumer.address, UserStatus.Suspended);
      await registry.connect(regulator).assignMeter(OTHER_METER, consumer.address);
      expect(await registry.getMeterOwner(OTHER_METER)).to.equal(consumer.address);
    });

    it("reverts with RegistryInvalidMeterId for the zero id", async function () {
      const { registry, regulator, consumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).assignMeter(ethers.ZeroHash, consumer.address))
        .to.be.revertedWithCustomError(registry, "RegistryInvalidMeterId")
        .withArgs(ethers.ZeroHash);
    });

    describe("when the meter already belongs to someone", function () {
      it("reverts with RegistryMeterAlreadyAssigned, naming the owner", async function () {
        const { registry, regulator, prosumer, consumer } = await loadFixture(populatedFixture);
        await expect(registry.connect(regulator).assignMeter(METER, consumer.address))
          .to.be.revertedWithCustomError(registry, "RegistryMeterAlreadyAssigned")
          .withArgs(METER, prosumer.address);
      });

      it("can be re-assigned after an explicit unassign", async function () {
        const { registry, regulator, prosumer, consumer } = await loadFixture(populatedFixture);
        await registry.connect(regulator).unassignMeter(METER);
        await expect(registry.connect(regulator).assignMeter(METER, consumer.address))
          .to.emit(registry, "MeterAssigned")
          .withArgs(METER, consumer.address, regulator.address);
        expect(await registry.getUserMeters(prosumer.address)).to.deep.equal([]);
        expect(await registry.getUserMeters(consumer.address)).to.deep.equal([METER]);
      });
    });

    it("reverts with RegistryUserNotRegistered for an unregistered owner", async function () {
      const { registry, regulator, outsider } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).assignMeter(OTHER_METER, outsider.address))
        .to.be.revertedWithCustomError(registry, "RegistryUserNotRegistered")
        .withArgs(outsider.address);
    });

    describe("when the owner holds maxMetersPerUser meters", function () {
      it("assigns up to the default limit of 10 and reverts with RegistryMeterLimitReached beyond", async function () {
        const { registry, regulator, consumer } = await loadFixture(populatedFixture);
        for (let i = 0; i < Number(DEFAULT_MAX_METERS); i++) {
          await registry.connect(regulator).assignMeter(meterId(`MTR-C-${i}`), consumer.address);
        }
        expect((await registry.getUser(consumer.address)).meterCount).to.equal(DEFAULT_MAX_METERS);
        await expect(registry.connect(regulator).assignMeter(meterId("MTR-C-X"), consumer.address))
          .to.be.revertedWithCustomError(registry, "RegistryMeterLimitReached")
          .withArgs(consumer.address, DEFAULT_MAX_METERS);
      });
    });
  });

  describe("#unassignMeter", function () {
    it("takes the meter away and emits MeterUnassigned", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).unassignMeter(METER))
        .to.emit(registry, "MeterUnassigned")
        .withArgs(METER, prosumer.address, regulator.address);
      expect(await registry.getMeterOwner(METER)).to.equal(ethers.ZeroAddress);
      expect(await registry.getUserMeters(prosumer.address)).to.deep.equal([]);
      expect((await registry.getUser(prosumer.address)).meterCount).to.equal(0n);
    });

    it("keeps the meter's signer key", async function () {
      const { registry, regulator, outsider } = await loadFixture(populatedFixture);
      await registry.connect(regulator).setMeterSigner(METER, outsider.address);
      await registry.connect(regulator).unassignMeter(METER);
      expect(await registry.getMeterSigner(METER)).to.equal(outsider.address);
    });

    it("removes only the given meter from the owner's list", async function () {
      const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
      await registry.connect(regulator).assignMeter(OTHER_METER, prosumer.address);
      await registry.connect(regulator).unassignMeter(METER);
      expect(await registry.getUserMeters(prosumer.address)).to.deep.equal([OTHER_METER]);
      expect((await registry.getUser(prosumer.address)).meterCount).to.equal(1n);
    });

    it("reverts with RegistryMeterNotAssigned for a meter nobody owns", async function () {
      const { registry, regulator } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).unassignMeter(OTHER_METER))
        .to.be.revertedWithCustomError(registry, "RegistryMeterNotAssigned")
        .withArgs(OTHER_METER);
    });
  });

  describe("#setMeterSigner", function () {
    it("sets, replaces and clears the signer, emitting MeterSignerSet each time", async function () {
      const { registry, regulator, outsider, marketMaker } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).setMeterSigner(METER, outsider.address))
        .to.emit(registry, "MeterSignerSet")
        .withArgs(METER, ethers.ZeroAddress, outsider.address);
      await expect(registry.connect(regulator).setMeterSigner(METER, marketMaker.address))
        .to.emit(registry, "MeterSignerSet")
        .withArgs(METER, outsider.address, marketMaker.address);
      expect(await registry.getMeterSigner(METER)).to.equal(marketMaker.address);
      await expect(registry.connect(regulator).setMeterSigner(METER, ethers.ZeroAddress))
        .to.emit(registry, "MeterSignerSet")
        .withArgs(METER, marketMaker.address, ethers.ZeroAddress);
      expect(await registry.getMeterSigner(METER)).to.equal(ethers.ZeroAddress);
    });

    it("provisions a key for a meter that is not assigned yet", async function () {
      const { registry, regulator, outsider } = await loadFixture(populatedFixture);
      await registry.connect(regulator).setMeterSigner(OTHER_METER, outsider.address);
      expect(await registry.getMeterSigner(OTHER_METER)).to.equal(outsider.address);
      expect(await registry.getMeterOwner(OTHER_METER)).to.equal(ethers.ZeroAddress);
    });

    const signerReverts = [
      { error: "RegistrySignerUnchanged", when: "the current signer (no-op)", meter: METER, signer: "zero" },
      { error: "RegistryInvalidMeterId", when: "the zero id", meter: ethers.ZeroHash, signer: "outsider" },
    ] as const;
    for (const c of signerReverts) {
      it(`reverts with ${c.error} for ${c.when}`, async function () {
        const { registry, regulator, outsider } = await loadFixture(populatedFixture);
        const signer = c.signer === "zero" ? ethers.ZeroAddress : outsider.address;
        const args = c.error === "RegistrySignerUnchanged" ? [c.meter, signer] : [c.meter];
        await expect(registry.connect(regulator).setMeterSigner(c.meter, signer))
          .to.be.revertedWithCustomError(registry, c.error)
          .withArgs(...args);
      });
    }
  });

  describe("#setMaxMetersPerUser", function () {
    it("changes the limit and emits MaxMetersPerUserUpdated", async function () {
      const { registry, regulator } = await loadFixture(populatedFixture);
      await expect(registry.connect(regulator).setMaxMetersPerUser(3))
        .to.emit(registry, "MaxMetersPerUserUpdated")
        .withArgs(DEFAULT_MAX_METERS, 3);
      expect(await registry.maxMetersPerUser()).to.equal(3n);
    });

    describe("when the limit is lowered below what a user holds", function () {
      it("lets the user keep its meters and refuses new ones", async function () {
        const { registry, regulator, prosumer } = await loadFixture(populatedFixture);
        await registry.connect(regulator).assignMeter(OTHER_METER, prosumer.address);
        await registry.connect(regulator).setMaxMetersPerUser(1);
        expect((await registry.getUser(prosumer.address)).meterCount).to.equal(2n);
        await expect(registry.connect(regulator).assignMeter(meterId("MTR-0003"), prosumer.address))
          .to.be.revertedWithCustomError(registry, "RegistryMeterLimitReached")
          .withArgs(prosumer.address, 1);
      });
    });

    it("reverts with RegistryInvalidMaxMeters for 0", async function () {
      const { registry, regulator } = await loadFixture(populatedFixture);
      await expectRevert(registry.connect(regulator).setMaxMetersPerUser(0), registry, "RegistryInvalidMaxMeters", 0);
    });

    it("reverts with RegistryInvalidMaxMeters above MAX_METERS_PER_USER, and accepts it exactly", async function () {
      const { registry, regulator } = await loadFixture(populatedFixture);
      const max = await registry.MAX_METERS_PER_USER();
      expect(max).to.equal(100n);
      await expectRevert(
        registry.connect(regulator).setMaxMetersPerUser(max + 1n),
        registry,
        "RegistryInvalidMaxMeters",
        max + 1n,
      );
      await expect(registry.connect(regulator).setMaxMetersPerUser(max))
        .to.emit(registry, "MaxMetersPerUserUpdated")
        .withArgs(DEFAULT_MAX_METERS, max);
    });

    it("reverts with RegistryInvalidMaxMeters for the current value (no-op)", async function () {
      const { registry, regulator } = await loadFixture(populatedFixture);
      const noOp = registry.connect(regulator).setMaxMetersPerUser(DEFAULT_MAX_METERS);
      await expectRevert(noOp, registry, "RegistryInvalidMaxMeters", DEFAULT_MAX_METERS);
    });

    it("works while paused (market parameters are not registrations)", async function () {
      const { registry, admin, regulator } = await loadFixture(populatedFixture);
      await registry.connect(admin).pause();
      await expect(registry.connect(regulator).setMaxMetersPerUser(5))
        .to.emit(registry, "MaxMetersPerUserUpdated")
        .withArgs(DEFAULT_MAX_METERS, 5);
    });
  });

  describe("#pause / #unpause", function () {
    it("pauses and unpauses, emitting Paused and Unpaused", async function () {
      const { registry, admin, regulator, outsider } = await loadFixture(populatedFixture);
      await expect(registry.connect(admin).pause()).to.emit(registry, "Paused").withArgs(admin.address);
      expect(await registry.paused()).to.equal(true);
      await expect(registry.connect(admin).unpause()).to.emit(registry, "Unpaused").withArgs(admin.address);
      await expect(registry.connect(regulator).registerUser(outsider.address, UserType.Consumer, ""))
        .to.emit(registry, "UserRegistered")
        .withArgs(outsider.address, UserType.Consumer, "", regulator.address);
    });

    it("keeps regulator management and the views available while paused", async function () {
      const { registry, admin, prosumer, outsider } = await loadFixture(populatedFixture);
      await registry.connect(admin).pause();
      await expect(registry.connect(admin).addRecRegulator(outsider.address))
        .to.emit(registry, "RecRegulatorAdded")
        .withArgs(outsider.address, admin.address);
      expect(await registry.isProsumer(prosumer.address)).to.equal(true);
      expect(await registry.getMeterOwner(METER)).to.equal(prosumer.address);
    });

    it("reverts with EnforcedPause when already paused and ExpectedPause when not paused", async function () {
      const { registry, admin } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).unpause()).to.be.revertedWithCustomError(registry, "ExpectedPause");
      await expectStoppedByPause(registry, admin, () => registry.connect(admin).pause());
    });

    shouldBeStoppedByPause(populatedFixture, (c) => c.registry, {
      registerUser: (c) => c.registry.connect(c.admin).registerUser(c.outsider.address, UserType.Consumer, ""),
      updateUserStatus: (c) =>
        c.registry.connect(c.regulator).updateUserStatus(c.prosumer.address, UserStatus.Suspended),
      assignMeter: (c) => c.registry.connect(c.regulator).assignMeter(OTHER_METER, c.consumer.address),
      unassignMeter: (c) => c.registry.connect(c.regulator).unassignMeter(METER),
      setMeterSigner: (c) => c.registry.connect(c.regulator).setMeterSigner(METER, c.outsider.address),
    });
  });

  describe("views", function () {
    it("return zero values for unknown accounts and meters", async function () {
      const { registry, outsider } = await loadFixture(populatedFixture);
      const user = await registry.getUser(outsider.address);
      expect(user.userType).to.equal(UserType.None);
      expect(user.status).to.equal(UserStatus.None);
      expect(user.registeredAt).to.equal(0n);
      expect(user.meterCount).to.equal(0n);
      expect(user.location).to.equal("");
      expect(await registry.isUserVerified(outsider.address)).to.equal(false);
      expect(await registry.isProsumer(outsider.address)).to.equal(false);
      expect(await registry.isRecRegulator(outsider.address)).to.equal(false);
      expect(await registry.getMeterOwner(OTHER_METER)).to.equal(ethers.ZeroAddress);
      expect(await registry.getMeterOwnerStatus(OTHER_METER)).to.deep.equal([ethers.ZeroAddress, false]);
      expect(await registry.getMeterSigner(OTHER_METER)).to.equal(ethers.ZeroAddress);
      expect(await registry.getUserMeters(outsider.address)).to.deep.equal([]);
    });

    it("getMeterOwnerStatus gives a meter's owner and whether it is active, in one call", async function () {
      const { registry, regulator, consumer } = await loadFixture(populatedFixture);
      await registry.connect(regulator).assignMeter(OTHER_METER, consumer.address);
      expect(await registry.getMeterOwnerStatus(OTHER_METER)).to.deep.equal([consumer.address, true]);
      await registry.connect(regulator).updateUserStatus(consumer.address, UserStatus.Suspended);
      expect(await registry.getMeterOwnerStatus(OTHER_METER)).to.deep.equal([consumer.address, false]);
      await registry.connect(regulator).updateUserStatus(consumer.address, UserStatus.Active);
      expect(await registry.getMeterOwnerStatus(OTHER_METER)).to.deep.equal([consumer.address, true]);
    });

    it("getMeterOwnerStatus follows every status change on every meter of the owner, and each reassignment", async function () {
      const { registry, regulator, prosumer, consumer } = await loadFixture(populatedFixture);
      const third = meterId("MTR-0003");
      await registry.connect(regulator).assignMeter(OTHER_METER, prosumer.address);
      await registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Suspended);
      // A meter assigned to a suspended user starts inactive.
      await registry.connect(regulator).assignMeter(third, prosumer.address);
      const meters = await registry.getUserMeters(prosumer.address);
      expect(meters).to.have.length(3);
      for (const m of meters) expect(await registry.getMeterOwnerStatus(m)).to.deep.equal([prosumer.address, false]);
      await registry.connect(regulator).updateUserStatus(prosumer.address, UserStatus.Active);
      for (const m of meters) expect(await registry.getMeterOwnerStatus(m)).to.deep.equal([prosumer.address, true]);
      // Unassigned, the meter has no owner; reassigned, it takes the new owner's status.
      await registry.connect(regulator).unassignMeter(third);
      expect(await registry.getMeterOwnerStatus(third)).to.deep.equal([ethers.ZeroAddress, false]);
      await registry.connect(regulator).updateUserStatus(consumer.address, UserStatus.Suspended);
      await registry.connect(regulator).assignMeter(third, consumer.address);
      expect(await registry.getMeterOwnerStatus(third)).to.deep.equal([consumer.address, false]);
      // The suspended consumer's change left the prosumer's meters alone.
      for (const m of meters.slice(0, 2))
        expect(await registry.getMeterOwnerStatus(m)).to.deep.equal([prosumer.address, true]);
    });
  });

  describe("two-step admin transfer (AccessControlDefaultAdminRules)", function () {
    it("hands the admin role over only when the new admin accepts", async function () {
      const { registry, admin, outsider } = await loadFixture(registryFixture);
      await registry.connect(admin).beginDefaultAdminTransfer(outsider.address);
      const [pending] = await registry.pendingDefaultAdmin();
      expect(pending).to.equal(outsider.address);
      expect(await registry.defaultAdmin()).to.equal(admin.address);
      await registry.connect(outsider).acceptDefaultAdminTransfer();
      expect(await registry.defaultAdmin()).to.equal(outsider.address);
      await expect(registry.connect(admin).pause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, ADMIN_ROLE);
      await expect(registry.connect(outsider).pause()).to.emit(registry, "Paused").withArgs(outsider.address);
    });

    it("reverts with AccessControlInvalidDefaultAdmin when someone else accepts", async function () {
      const { registry, admin, outsider, regulator } = await loadFixture(registryFixture);
      await registry.connect(admin).beginDefaultAdminTransfer(outsider.address);
      await expect(registry.connect(regulator).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(regulator.address);
    });

    it("enforces the admin delay set at deployment", async function () {
      const [admin, newAdmin] = await ethers.getSigners();
      const { registry: deployed } = await ignition.deploy(buildRegistryModule(), {
        parameters: { Registry: { admin: admin.address, adminDelay: 3600 } },
      });
      const registry = Registry__factory.connect(await deployed.getAddress(), admin);
      await registry.beginDefaultAdminTransfer(newAdmin.address);
      const [, schedule] = await registry.pendingDefaultAdmin();
      await expect(registry.connect(newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await time.increaseTo(schedule + 1n);
      await registry.connect(newAdmin).acceptDefaultAdminTransfer();
      expect(await registry.defaultAdmin()).to.equal(newAdmin.address);
    });

    it("refuses granting the admin role directly (AccessControlEnforcedDefaultAdminRules)", async function () {
      const { registry, admin, outsider } = await loadFixture(registryFixture);
      await expect(registry.connect(admin).grantRole(ADMIN_ROLE, outsider.address)).to.be.revertedWithCustomError(
        registry,
        "AccessControlEnforcedDefaultAdminRules",
      );
    });
  });

  describe("access control", function () {
    shouldBeRegulatorOnly(accessContext, "NotRecRegulator", [
      { name: "registerUser", send: (r, s) => r.connect(s).registerUser(s.address, UserType.Consumer, "") },
      {
        name: "updateUserStatus",
        send: async (r, s) => r.connect(s).updateUserStatus((await ethers.getSigners())[5], UserStatus.Suspended),
      },
      {
        name: "assignMeter",
        send: async (r, s) => r.connect(s).assignMeter(OTHER_METER, (await ethers.getSigners())[5]),
      },
      { name: "unassignMeter", send: (r, s) => r.connect(s).unassignMeter(METER) },
      { name: "setMeterSigner", send: (r, s) => r.connect(s).setMeterSigner(METER, s.address) },
      { name: "setMaxMetersPerUser", send: (r, s) => r.connect(s).setMaxMetersPerUser(3) },
    ]);

    shouldBeRegulatorOnly(accessContext, "RegistryNotAdminOrRegulator", [
      { name: "addRecRegulator", send: (r, s) => r.connect(s).addRecRegulator(s.address) },
      {
        name: "removeRecRegulator",
        send: async (r, s) => r.connect(s).removeRecRegulator((await ethers.getSigners())[0]),
      },
    ]);

    shouldBeAdminOnly(accessContext, [
      { name: "pause", send: (r, s) => r.connect(s).pause() },
      { name: "unpause", send: (r, s) => r.connect(s).unpause() },
    ]);
  });

  describe("gas", function () {
    it("registerUser and assignMeter stay within their budgets @skip-on-coverage", async function () {
      const { registry, admin, consumers } = await loadFixture(registryFixture);
      const register = await (
        await registry.connect(admin).registerUser(consumers[0].address, UserType.Consumer, "Library, office 1")
      ).wait();
      const assign = await (await registry.connect(admin).assignMeter(METER, consumers[0].address)).wait();
      console.log(`      gas: registerUser ${register!.gasUsed}, assignMeter ${assign!.gasUsed}`);
      expect(register!.gasUsed).to.be.lessThan(120_000n);
      expect(assign!.gasUsed).to.be.lessThan(140_000n);
    });
  });
});
