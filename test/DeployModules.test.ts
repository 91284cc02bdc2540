import { expect } from "chai";
import hre, { ethers, ignition } from "hardhat";

import { isLocalNetwork } from "../deploy/modules/GridMarket";
import { buildPaymentTokenModule } from "../deploy/modules/PaymentToken";
import { MockUSDC__factory } from "../typechain-types";

describe("Ignition modules", function () {
  describe("GridMarket payment-token choice", function () {
    it("treats the in-process network as a local chain (GridMarket deploys its own MockUSDC)", async function () {
      expect(hre.network.name).to.equal("hardhat");
      expect(isLocalNetwork(hre.network)).to.equal(true);
    });
  });

  describe("PaymentToken", function () {
    it("deploys a 6-decimals MockUSDC that anyone may mint, when asked for a mock", async function () {
      const [, anyone] = await ethers.getSigners();
      const { paymentToken } = await ignition.deploy(buildPaymentTokenModule({ kind: "mock" }));
      const usdc = MockUSDC__factory.connect(await paymentToken.getAddress(), anyone);
      expect(await usdc.decimals()).to.equal(6n);
      expect(await usdc.symbol()).to.equal("USDC");
      await expect(usdc.mint(anyone.address, 5_000_000n)).to.changeTokenBalances(usdc, [anyone], [5_000_000n]);
    });

    it("uses an existing token given by the paymentToken parameter", async function () {
      const [deployer] = await ethers.getSigners();
      const existing = await new MockUSDC__factory(deployer).deploy();
      const { paymentToken } = await ignition.deploy(buildPaymentTokenModule(), {
        parameters: { PaymentToken: { paymentToken: await existing.getAddress() } },
      });
      expect(await paymentToken.getAddress()).to.equal(await existing.getAddress());
    });

    it("refuses to deploy without the paymentToken parameter", async function () {
      await expect(ignition.deploy(buildPaymentTokenModule())).to.be.rejectedWith(
        "Module parameter 'paymentToken' requires a value but was given none",
      );
    });

    it("refuses an address with no ERC-20 behind it (the decimals() check fails)", async function () {
      const [, , , , eoa] = await ethers.getSigners();
      await expect(
        ignition.deploy(buildPaymentTokenModule({ kind: "existing", address: eoa.address })),
      ).to.be.rejectedWith(/PaymentToken#CheckPaymentTokenDecimals.*Static call failed/s);
    });
  });
});
