import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { TX_GAS_LIMIT } from "../helpers/bookMarket";
import { DEFAULT_RATED_POWER, HOUR, IRECEIVER_ID, IERC165_ID } from "./constants";
import { deployOracleFixture } from "./fixture";

describe("OracleClient", function () {
  describe("deployment", function () {
    it("wires the registry, GRID and the market and publishes its EIP-712 domain", async function () {
      const { oracle, registry, gridToken, market, domain } = await loadFixture(deployOracleFixture);
      expect(await oracle.registry()).to.equal(await registry.getAddress());
      expect(await oracle.gridToken()).to.equal(await gridToken.getAddress());
      expect(await oracle.trading()).to.equal(await market.getAddress());
      const published = await oracle.eip712Domain();
      expect(published.fields).to.equal("0x0f");
      expect(published.name).to.equal(domain.name);
      expect(published.version).to.equal(domain.version);
      expect(published.chainId).to.equal(domain.chainId);
      expect(published.verifyingContract).to.equal(domain.verifyingContract);
      expect(published.salt).to.equal(ethers.ZeroHash);
      expect(published.extensions).to.deep.equal([]);
    });

    it("makes the admin the first oracle operator and sets the defaults", async function () {
      const { oracle, admin } = await loadFixture(deployOracleFixture);
      expect(await oracle.isOracleOperator(admin.address)).to.equal(true);
      expect(await oracle.defaultAdmin()).to.equal(admin.address);
      expect(await oracle.defaultRatedPower()).to.equal(DEFAULT_RATED_POWER);
      expect(await oracle.requestTtl()).to.equal(HOUR);
      expect(await oracle.autoMarketClearing()).to.equal(true);
      expect(await oracle.matchStepsPerUpkeep()).to.equal(200n);
      expect(await oracle.settleOrdersPerUpkeep()).to.equal(50n);
      expect(await oracle.rewardPerReading()).to.equal(0n);
      expect(await oracle.oracleBalance()).to.equal(0n);
      expect(await oracle.lastMarketCheck()).to.equal(0n);
      expect(await oracle.forwarder()).to.equal(ethers.ZeroAddress);
      expect(await oracle.creForwarder()).to.equal(ethers.ZeroAddress);
      expect([...(await oracle.creWorkflow())]).to.deep.equal([ethers.ZeroHash, ethers.ZeroAddress]);
      expect(await oracle.METER_READING_TYPEHASH()).to.equal(
        ethers.id("MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)"),
      );
    });

    it("emits OracleOperatorAdded for the admin", async function () {
      const { registry, gridToken, market, admin } = await loadFixture(deployOracleFixture);
      const factory = await ethers.getContractFactory("OracleClient");
      // Instrumented for coverage, the constructor needs more than the default gas limit.
      const deployed = await factory.deploy(registry, gridToken, market, admin.address, 0, { gasLimit: TX_GAS_LIMIT });
      await expect(deployed.deploymentTransaction())
        .to.emit(deployed, "OracleOperatorAdded")
        .withArgs(admin.address, admin.address);
    });

    it("rejects a zero registry, token or market", async function () {
      const { registry, gridToken, market, oracle, admin } = await loadFixture(deployOracleFixture);
      const factory = await ethers.getContractFactory("OracleClient");
      const zero = ethers.ZeroAddress;
      await expect(factory.deploy(zero, gridToken, market, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(factory.deploy(registry, zero, market, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(factory.deploy(registry, gridToken, zero, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
    });

    it("supports the CRE IReceiver and ERC-165 interfaces only", async function () {
      const { oracle } = await loadFixture(deployOracleFixture);
      expect(await oracle.supportsInterface(IRECEIVER_ID)).to.equal(true);
      expect(await oracle.supportsInterface(IERC165_ID)).to.equal(true);
      expect(await oracle.supportsInterface("0xffffffff")).to.equal(false);
      const onReport = oracle.interface.getFunction("onReport").selector;
      expect(onReport).to.equal(IRECEIVER_ID);
    });
  });
});
