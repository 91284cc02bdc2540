import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers, ignition } from "hardhat";

import { buildGridTokenModule } from "../deploy/modules/GridToken";
import { GridToken__factory } from "../typechain-types";
import { CONSUMER_METERS, PROSUMER_BALANCE, PROSUMER_METERS, fundedTokenFixture, tokenFixture } from "./fixtures";
import { shouldBeAdminOnly, shouldBeRegulatorOnly, expectStoppedByPause } from "./helpers/access";
import { shouldManageRoleList } from "./helpers/roleList.behavior";
import { PERMIT_TYPES, signPermit } from "./helpers/eip712";

// `IRegistry.UserStatus`, in declaration order.
const UserStatus = { Active: 1, Suspended: 2 } as const;

const KWH = 10n ** 18n;
const ADMIN_ROLE = ethers.ZeroHash;
async function accessContext() {
  const f = await tokenFixture();
  return { ...f, contract: f.gridToken };
}

/**
 * What `mint` and `burn` (by the operator holding the role, for prosumer 0 and its meter) both refuse: a zero
 * amount, a holder that is not a verified user, a locked escrow account, and any call while paused.
 */
function shouldRefuseTheMeteredChange(op: "mint" | "burn", fixture: typeof tokenFixture) {
  it("reverts with GridTokenZeroAmount for 0", async function () {
    const { gridToken, operator, prosumers } = await loadFixture(fixture);
    await expect(
      gridToken.connect(operator)[op](prosumers[0].address, 0, PROSUMER_METERS[0]),
    ).to.be.revertedWithCustomError(gridToken, "GridTokenZeroAmount");
  });

  it("reverts with GridTokenAccountNotVerified for a suspended holder", async function () {
    const { gridToken, registry, regulator, operator, prosumers } = await loadFixture(fixture);
    await registry.connect(regulator).updateUserStatus(prosumers[0].address, UserStatus.Suspended);
    await expect(gridToken.connect(operator)[op](prosumers[0].address, KWH, PROSUMER_METERS[0]))
      .to.be.revertedWithCustomError(gridToken, "GridTokenAccountNotVerified")
      .withArgs(prosumers[0].address);
  });

  it("reverts with GridTokenEscrowAccount for a locked escrow account, even a verified one", async function () {
    const { gridToken, admin, operator, prosumers } = await loadFixture(fixture);
    await gridToken.connect(admin).lockEscrowAccount(prosumers[0].address);
    await expect(gridToken.connect(operator)[op](prosumers[0].address, KWH, PROSUMER_METERS[0]))
      .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
      .withArgs(prosumers[0].address);
  });

  it("reverts with EnforcedPause while paused", async function () {
    const { gridToken, admin, operator, prosumers } = await loadFixture(fixture);
    await expectStoppedByPause(gridToken, admin, () =>
      gridToken.connect(operator)[op](prosumers[0].address, KWH, PROSUMER_METERS[0]),
    );
  });
}

describe("GridToken", function () {
  describe("deployment (Ignition module GridToken)", function () {
    it("is GRID: name, symbol, 18 decimals, no supply, bound to the Registry", async function () {
      const { gridToken, registry, admin } = await loadFixture(tokenFixture);
      expect(await gridToken.name()).to.equal("GridToken");
      expect(await gridToken.symbol()).to.equal("GRID");
      expect(await gridToken.decimals()).to.equal(18n);
      expect(await gridToken.totalSupply()).to.equal(0n);
      expect(await gridToken.registry()).to.equal(await registry.getAddress());
      expect(await gridToken.defaultAdmin()).to.equal(admin.address);
    });

    it("publishes its EIP-712 domain (ERC-5267)", async function () {
      const { gridToken } = await loadFixture(tokenFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = await gridToken.eip712Domain();
      expect(domain.name).to.equal("GridToken");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(await gridToken.getAddress());
    });

    it("reverts with GridTokenZeroAddress for a zero registry", async function () {
      const [deployer] = await ethers.getSigners();
      const factory = new GridToken__factory(deployer);
      await expect(factory.deploy(ethers.ZeroAddress, deployer.address, 0)).to.be.revertedWithCustomError(
        factory,
        "GridTokenZeroAddress",
      );
    });

    it("deploys its own Registry when used alone, with the admin from the parameters", async function () {
      const [, other] = await ethers.getSigners();
      const deployed = await ignition.deploy(buildGridTokenModule(), {
        parameters: { Registry: { admin: other.address }, GridToken: { admin: other.address, adminDelay: 60 } },
      });
      const gridToken = GridToken__factory.connect(await deployed.gridToken.getAddress(), other);
      expect(await gridToken.registry()).to.equal(await deployed.registry.getAddress());
      expect(await gridToken.defaultAdmin()).to.equal(other.address);
      expect(await gridToken.defaultAdminDelay()).to.equal(60n);
    });
  });

  describe("#mint", function () {
    it("mints to a verified user: balance, supply, Transfer and Minted with the meter id", async function () {
      const { gridToken, operator, prosumers } = await loadFixture(tokenFixture);
      const tx = gridToken.connect(operator).mint(prosumers[0].address, 3n * KWH, PROSUMER_METERS[0]);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumers[0]], [3n * KWH]);
      await expect(tx)
        .to.emit(gridToken, "Transfer")
        .withArgs(ethers.ZeroAddress, prosumers[0].address, 3n * KWH);
      await expect(tx)
        .to.emit(gridToken, "Minted")
        .withArgs(prosumers[0].address, 3n * KWH, PROSUMER_METERS[0], operator.address);
      expect(await gridToken.totalSupply()).to.equal(3n * KWH);
    });

    it("mints to a consumer too (every verified user may hold GRID)", async function () {
      const { gridToken, operator, consumers } = await loadFixture(tokenFixture);
      await expect(
        gridToken.connect(operator).mint(consumers[0].address, KWH, CONSUMER_METERS[0]),
      ).to.changeTokenBalances(gridToken, [consumers[0]], [KWH]);
    });

    it("reverts with GridTokenNotMinter for a caller without the role (the admin included)", async function () {
      const { gridToken, admin, prosumers } = await loadFixture(tokenFixture);
      await expect(gridToken.connect(admin).mint(prosumers[0].address, KWH, PROSUMER_METERS[0]))
        .to.be.revertedWithCustomError(gridToken, "GridTokenNotMinter")
        .withArgs(admin.address);
    });

    it("reverts with GridTokenNotMinter once the minter is removed", async function () {
      const { gridToken, regulator, operator, prosumers } = await loadFixture(tokenFixture);
      await gridToken.connect(regulator).removeMinter(operator.address);
      await expect(gridToken.connect(operator).mint(prosumers[0].address, KWH, PROSUMER_METERS[0]))
        .to.be.revertedWithCustomError(gridToken, "GridTokenNotMinter")
        .withArgs(operator.address);
    });

    describe("when the recipient is not a verified user", function () {
      it("reverts with GridTokenAccountNotVerified for an unregistered account", async function () {
        const { gridToken, operator, outsider } = await loadFixture(tokenFixture);
        await expect(gridToken.connect(operator).mint(outsider.address, KWH, PROSUMER_METERS[0]))
          .to.be.revertedWithCustomError(gridToken, "GridTokenAccountNotVerified")
          .withArgs(outsider.address);
      });

      it("reverts with GridTokenAccountNotVerified for the zero address", async function () {
        const { gridToken, operator } = await loadFixture(tokenFixture);
        await expect(gridToken.connect(operator).mint(ethers.ZeroAddress, KWH, PROSUMER_METERS[0]))
          .to.be.revertedWithCustomError(gridToken, "GridTokenAccountNotVerified")
          .withArgs(ethers.ZeroAddress);
      });
    });

    shouldRefuseTheMeteredChange("mint", tokenFixture);
  });

  describe("#burn", function () {
    it("burns without an allowance: balance, supply, Transfer and Burned with the meter id", async function () {
      const { gridToken, operator, prosumers } = await loadFixture(fundedTokenFixture);
      expect(await gridToken.allowance(prosumers[0].address, operator.address)).to.equal(0n);
      const tx = gridToken.connect(operator).burn(prosumers[0].address, 2n * KWH, PROSUMER_METERS[0]);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumers[0]], [-2n * KWH]);
      await expect(tx)
        .to.emit(gridToken, "Transfer")
        .withArgs(prosumers[0].address, ethers.ZeroAddress, 2n * KWH);
      await expect(tx)
        .to.emit(gridToken, "Burned")
        .withArgs(prosumers[0].address, 2n * KWH, PROSUMER_METERS[0], operator.address);
      expect(await gridToken.totalSupply()).to.equal(3n * PROSUMER_BALANCE - 2n * KWH);
    });

    it("burns the whole balance", async function () {
      const { gridToken, operator, prosumers } = await loadFixture(fundedTokenFixture);
      await gridToken.connect(operator).burn(prosumers[1].address, PROSUMER_BALANCE, PROSUMER_METERS[1]);
      expect(await gridToken.balanceOf(prosumers[1].address)).to.equal(0n);
    });

    it("reverts with ERC20InsufficientBalance beyond the balance", async function () {
      const { gridToken, operator, prosumers } = await loadFixture(fundedTokenFixture);
      await expect(gridToken.connect(operator).burn(prosumers[0].address, PROSUMER_BALANCE + 1n, PROSUMER_METERS[0]))
        .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientBalance")
        .withArgs(prosumers[0].address, PROSUMER_BALANCE, PROSUMER_BALANCE + 1n);
    });

    it("reverts with GridTokenNotBurner for a caller without the role", async function () {
      const { gridToken, regulator, prosumers } = await loadFixture(fundedTokenFixture);
      await expect(gridToken.connect(regulator).burn(prosumers[0].address, KWH, PROSUMER_METERS[0]))
        .to.be.revertedWithCustomError(gridToken, "GridTokenNotBurner")
        .withArgs(regulator.address);
    });

    shouldRefuseTheMeteredChange("burn", fundedTokenFixture);
  });

  describe("minter and burner roles", function () {
    const roles = [
      {
        role: "minter",
        add: "addMinter",
        remove: "removeMinter",
        has: "isMinter",
        added: "MinterAdded",
        removed: "MinterRemoved",
      },
      {
        role: "burner",
        add: "addBurner",
        remove: "removeBurner",
        has: "isBurner",
        added: "BurnerAdded",
        removed: "BurnerRemoved",
      },
    ] as const;

    for (const r of roles) {
      shouldManageRoleList({
        role: r.role,
        fixture: tokenFixture,
        contract: (ctx) => ctx.gridToken,
        names: r,
        add: (ctx, by, account) => ctx.gridToken.connect(by)[r.add](account),
        remove: (ctx, by, account) => ctx.gridToken.connect(by)[r.remove](account),
        has: (ctx, account) => ctx.gridToken[r.has](account),
        adder: (ctx) => ctx.regulator,
        remover: (ctx) => ctx.admin,
        outsider: (ctx) => ctx.outsider,
        member: (ctx) => ctx.operator,
        events: { added: r.added, removed: r.removed },
        errors: {
          zeroAddress: "GridTokenZeroAddress",
          exists: "GridTokenRoleAlreadyGranted",
          unknown: "GridTokenRoleNotGranted",
        },
        removeRefusesZero: true,
      });
    }
  });

  describe("#lockEscrowAccount", function () {
    it("locks an account for good and emits EscrowAccountLocked", async function () {
      const { gridToken, admin, marketMaker } = await loadFixture(tokenFixture);
      expect(await gridToken.isEscrowAccount(marketMaker.address)).to.equal(false);
      await expect(gridToken.connect(admin).lockEscrowAccount(marketMaker.address))
        .to.emit(gridToken, "EscrowAccountLocked")
        .withArgs(marketMaker.address);
      expect(await gridToken.isEscrowAccount(marketMaker.address)).to.equal(true);
    });

    it("still lets the escrow receive and send GRID by transfer", async function () {
      const { gridToken, admin, marketMaker, prosumers } = await loadFixture(fundedTokenFixture);
      await gridToken.connect(admin).lockEscrowAccount(marketMaker.address);
      await expect(gridToken.connect(prosumers[0]).transfer(marketMaker.address, KWH)).to.changeTokenBalances(
        gridToken,
        [prosumers[0], marketMaker],
        [-KWH, KWH],
      );
      await expect(gridToken.connect(marketMaker).transfer(prosumers[1].address, KWH)).to.changeTokenBalances(
        gridToken,
        [marketMaker, prosumers[1]],
        [-KWH, KWH],
      );
    });

    it("reverts with GridTokenEscrowAccount for an account already locked", async function () {
      const { gridToken, admin, marketMaker } = await loadFixture(tokenFixture);
      await gridToken.connect(admin).lockEscrowAccount(marketMaker.address);
      await expect(gridToken.connect(admin).lockEscrowAccount(marketMaker.address))
        .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
        .withArgs(marketMaker.address);
    });

    it("keeps at most MAX_ESCROW_ACCOUNTS, each refused for minting and burning, then reverts GridTokenEscrowAccountLimit", async function () {
      const { gridToken, admin, operator, prosumers, consumers } = await loadFixture(tokenFixture);
      const users = [...prosumers, ...consumers];
      const limit = await gridToken.MAX_ESCROW_ACCOUNTS();
      expect(limit).to.equal(4n);
      const escrows = users.slice(0, Number(limit));
      for (const escrow of escrows) await gridToken.connect(admin).lockEscrowAccount(escrow.address);
      for (const escrow of escrows) {
        expect(await gridToken.isEscrowAccount(escrow.address)).to.equal(true);
        await expect(gridToken.connect(operator).mint(escrow.address, KWH, PROSUMER_METERS[0]))
          .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
          .withArgs(escrow.address);
        await expect(gridToken.connect(operator).burn(escrow.address, KWH, PROSUMER_METERS[0]))
          .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccount")
          .withArgs(escrow.address);
      }
      const next = users[Number(limit)];
      await expect(gridToken.connect(admin).lockEscrowAccount(next.address))
        .to.be.revertedWithCustomError(gridToken, "GridTokenEscrowAccountLimit")
        .withArgs(limit);
      expect(await gridToken.isEscrowAccount(next.address)).to.equal(false);
    });

    it("reverts with GridTokenZeroAddress for the zero address", async function () {
      const { gridToken, admin } = await loadFixture(tokenFixture);
      await expect(gridToken.connect(admin).lockEscrowAccount(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        gridToken,
        "GridTokenZeroAddress",
      );
    });
  });

  describe("#pause / #unpause", function () {
    it("stops transfers and transferFrom while paused, and resumes after unpause", async function () {
      const { gridToken, admin, prosumers, consumers } = await loadFixture(fundedTokenFixture);
      await gridToken.connect(prosumers[0]).approve(consumers[0].address, KWH);
      await expect(gridToken.connect(admin).pause()).to.emit(gridToken, "Paused").withArgs(admin.address);
      await expect(gridToken.connect(prosumers[0]).transfer(consumers[0].address, KWH)).to.be.revertedWithCustomError(
        gridToken,
        "EnforcedPause",
      );
      await expect(
        gridToken.connect(consumers[0]).transferFrom(prosumers[0].address, consumers[0].address, KWH),
      ).to.be.revertedWithCustomError(gridToken, "EnforcedPause");
      await expect(gridToken.connect(admin).unpause()).to.emit(gridToken, "Unpaused").withArgs(admin.address);
      await expect(gridToken.connect(prosumers[0]).transfer(consumers[0].address, KWH)).to.changeTokenBalances(
        gridToken,
        [prosumers[0], consumers[0]],
        [-KWH, KWH],
      );
    });

    it("still allows approvals while paused", async function () {
      const { gridToken, admin, prosumers, consumers } = await loadFixture(fundedTokenFixture);
      await gridToken.connect(admin).pause();
      await expect(gridToken.connect(prosumers[0]).approve(consumers[0].address, KWH))
        .to.emit(gridToken, "Approval")
        .withArgs(prosumers[0].address, consumers[0].address, KWH);
    });

    it("reverts with EnforcedPause when already paused and ExpectedPause when not paused", async function () {
      const { gridToken, admin } = await loadFixture(tokenFixture);
      await expect(gridToken.connect(admin).unpause()).to.be.revertedWithCustomError(gridToken, "ExpectedPause");
      await expectStoppedByPause(gridToken, admin, () => gridToken.connect(admin).pause());
    });
  });

  describe("ERC-20", function () {
    describe("#transfer", function () {
      it("moves GRID between holders and emits Transfer", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        const tx = gridToken.connect(prosumers[0]).transfer(consumers[0].address, 4n * KWH);
        await expect(tx).to.changeTokenBalances(gridToken, [prosumers[0], consumers[0]], [-4n * KWH, 4n * KWH]);
        await expect(tx)
          .to.emit(gridToken, "Transfer")
          .withArgs(prosumers[0].address, consumers[0].address, 4n * KWH);
      });

      it("lets GRID go to any address, registered or not (a bearer token once minted)", async function () {
        const { gridToken, prosumers, outsider } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).transfer(outsider.address, KWH)).to.changeTokenBalances(
          gridToken,
          [prosumers[0], outsider],
          [-KWH, KWH],
        );
      });

      it("allows a zero transfer", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).transfer(consumers[0].address, 0))
          .to.emit(gridToken, "Transfer")
          .withArgs(prosumers[0].address, consumers[0].address, 0);
      });

      it("reverts with ERC20InsufficientBalance beyond the balance", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).transfer(consumers[0].address, PROSUMER_BALANCE + 1n))
          .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientBalance")
          .withArgs(prosumers[0].address, PROSUMER_BALANCE, PROSUMER_BALANCE + 1n);
      });

      it("reverts with ERC20InvalidReceiver for the zero address", async function () {
        const { gridToken, prosumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).transfer(ethers.ZeroAddress, KWH))
          .to.be.revertedWithCustomError(gridToken, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("#transferMany", function () {
      it("moves GRID to each recipient with one Transfer event each, in order", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        const tx = gridToken
          .connect(prosumers[0])
          .transferMany([consumers[0].address, consumers[1].address, consumers[0].address], [KWH, 2n * KWH, 3n]);
        await expect(tx).to.changeTokenBalances(
          gridToken,
          [prosumers[0], consumers[0], consumers[1]],
          [-3n * KWH - 3n, KWH + 3n, 2n * KWH],
        );
        const receipt = (await (await tx).wait())!;
        const transfers = receipt.logs.map((log) => gridToken.interface.parseLog(log)!.args.toArray());
        expect(transfers).to.deep.equal([
          [prosumers[0].address, consumers[0].address, KWH],
          [prosumers[0].address, consumers[1].address, 2n * KWH],
          [prosumers[0].address, consumers[0].address, 3n],
        ]);
      });

      it("reverts with GridTokenLengthMismatch when recipients and values differ in number", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).transferMany([consumers[0].address], [KWH, KWH]))
          .to.be.revertedWithCustomError(gridToken, "GridTokenLengthMismatch")
          .withArgs(1n, 2n);
      });

      it("reverts as transfer does: beyond the balance, to the zero address, while paused", async function () {
        const { gridToken, admin, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        const from = gridToken.connect(prosumers[0]);
        await expect(from.transferMany([consumers[0].address, consumers[1].address], [PROSUMER_BALANCE, 1n]))
          .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientBalance")
          .withArgs(prosumers[0].address, 0n, 1n);
        await expect(from.transferMany([consumers[0].address, ethers.ZeroAddress], [KWH, KWH]))
          .to.be.revertedWithCustomError(gridToken, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
        await gridToken.connect(admin).pause();
        await expect(from.transferMany([consumers[0].address], [KWH])).to.be.revertedWithCustomError(
          gridToken,
          "EnforcedPause",
        );
      });
    });

    describe("#approve", function () {
      it("sets and overwrites the allowance, emitting Approval", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).approve(consumers[0].address, 5n * KWH))
          .to.emit(gridToken, "Approval")
          .withArgs(prosumers[0].address, consumers[0].address, 5n * KWH);
        await gridToken.connect(prosumers[0]).approve(consumers[0].address, KWH);
        expect(await gridToken.allowance(prosumers[0].address, consumers[0].address)).to.equal(KWH);
        await gridToken.connect(prosumers[0]).approve(consumers[0].address, 0);
        expect(await gridToken.allowance(prosumers[0].address, consumers[0].address)).to.equal(0n);
      });

      it("reverts with ERC20InvalidSpender for the zero address", async function () {
        const { gridToken, prosumers } = await loadFixture(fundedTokenFixture);
        await expect(gridToken.connect(prosumers[0]).approve(ethers.ZeroAddress, KWH))
          .to.be.revertedWithCustomError(gridToken, "ERC20InvalidSpender")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("#transferFrom", function () {
      it("spends the allowance and moves the GRID", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        const [owner, spender, to] = [prosumers[0], consumers[0], consumers[1]];
        await gridToken.connect(owner).approve(spender.address, 3n * KWH);
        const tx = gridToken.connect(spender).transferFrom(owner.address, to.address, 2n * KWH);
        await expect(tx).to.changeTokenBalances(gridToken, [owner, spender, to], [-2n * KWH, 0n, 2n * KWH]);
        await expect(tx)
          .to.emit(gridToken, "Transfer")
          .withArgs(owner.address, to.address, 2n * KWH);
        expect(await gridToken.allowance(owner.address, spender.address)).to.equal(KWH);
      });

      it("spends an allowance exactly to zero", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await gridToken.connect(prosumers[0]).approve(consumers[0].address, KWH);
        await gridToken.connect(consumers[0]).transferFrom(prosumers[0].address, consumers[0].address, KWH);
        expect(await gridToken.allowance(prosumers[0].address, consumers[0].address)).to.equal(0n);
      });

      describe("when the allowance is infinite (type(uint256).max)", function () {
        it("does not decrease it and emits no Approval", async function () {
          const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
          await gridToken.connect(prosumers[0]).approve(consumers[0].address, ethers.MaxUint256);
          const tx = gridToken.connect(consumers[0]).transferFrom(prosumers[0].address, consumers[0].address, KWH);
          await expect(tx).to.changeTokenBalances(gridToken, [prosumers[0], consumers[0]], [-KWH, KWH]);
          await expect(tx).not.to.emit(gridToken, "Approval");
          expect(await gridToken.allowance(prosumers[0].address, consumers[0].address)).to.equal(ethers.MaxUint256);
        });
      });

      it("reverts with ERC20InsufficientAllowance beyond the allowance", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await gridToken.connect(prosumers[0]).approve(consumers[0].address, KWH);
        await expect(gridToken.connect(consumers[0]).transferFrom(prosumers[0].address, consumers[0].address, KWH + 1n))
          .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientAllowance")
          .withArgs(consumers[0].address, KWH, KWH + 1n);
      });

      it("reverts with ERC20InsufficientBalance when the allowance exceeds the balance", async function () {
        const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
        await gridToken.connect(prosumers[0]).approve(consumers[0].address, ethers.MaxUint256);
        await expect(
          gridToken
            .connect(consumers[0])
            .transferFrom(prosumers[0].address, consumers[0].address, PROSUMER_BALANCE + 1n),
        )
          .to.be.revertedWithCustomError(gridToken, "ERC20InsufficientBalance")
          .withArgs(prosumers[0].address, PROSUMER_BALANCE, PROSUMER_BALANCE + 1n);
      });
    });
  });

  describe("#permit (EIP-2612)", function () {
    it("sets the allowance from a signature, bumps the nonce and emits Approval", async function () {
      const { gridToken, prosumers, consumers, outsider } = await loadFixture(fundedTokenFixture);
      const [owner, spender] = [prosumers[0], consumers[0]];
      const deadline = BigInt(await time.latest()) + 3600n;
      const { v, r, s } = await signPermit(gridToken, owner, spender.address, 2n * KWH, deadline);
      // Anyone may submit the signature (here an account with no role).
      await expect(gridToken.connect(outsider).permit(owner.address, spender.address, 2n * KWH, deadline, v, r, s))
        .to.emit(gridToken, "Approval")
        .withArgs(owner.address, spender.address, 2n * KWH);
      expect(await gridToken.allowance(owner.address, spender.address)).to.equal(2n * KWH);
      expect(await gridToken.nonces(owner.address)).to.equal(1n);
      await expect(
        gridToken.connect(spender).transferFrom(owner.address, spender.address, 2n * KWH),
      ).to.changeTokenBalances(gridToken, [owner, spender], [-2n * KWH, 2n * KWH]);
    });

    it("reverts with ERC2612ExpiredSignature after the deadline", async function () {
      const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
      const deadline = BigInt(await time.latest()) + 60n;
      const { v, r, s } = await signPermit(gridToken, prosumers[0], consumers[0].address, KWH, deadline);
      await time.increaseTo(deadline + 1n);
      await expect(gridToken.permit(prosumers[0].address, consumers[0].address, KWH, deadline, v, r, s))
        .to.be.revertedWithCustomError(gridToken, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("reverts with ERC2612InvalidSigner when the signature is replayed", async function () {
      const { gridToken, prosumers, consumers } = await loadFixture(fundedTokenFixture);
      const [owner, spender] = [prosumers[0], consumers[0]];
      const deadline = BigInt(await time.latest()) + 3600n;
      const { v, r, s, domain, message } = await signPermit(gridToken, owner, spender.address, KWH, deadline);
      await gridToken.permit(owner.address, spender.address, KWH, deadline, v, r, s);
      // The contract now hashes nonce 1, so the same signature recovers to some other address.
      const recovered = ethers.verifyTypedData(domain, PERMIT_TYPES, { ...message, nonce: 1n }, { v, r, s });
      expect(recovered).to.not.equal(owner.address);
      await expect(gridToken.permit(owner.address, spender.address, KWH, deadline, v, r, s))
        .to.be.revertedWithCustomError(gridToken, "ERC2612InvalidSigner")
        .withArgs(recovered, owner.address);
    });

    it("reverts with ERC2612InvalidSigner for a signature by someone else", async function () {
      const { gridToken, prosumers, consumers, outsider } = await loadFixture(fundedTokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const nonce = await gridToken.nonces(prosumers[0].address);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "GridToken", version: "1", chainId, verifyingContract: await gridToken.getAddress() };
      const message = { owner: prosumers[0].address, spender: consumers[0].address, value: KWH, nonce, deadline };
      const { v, r, s } = ethers.Signature.from(await outsider.signTypedData(domain, PERMIT_TYPES, message));
      await expect(gridToken.permit(prosumers[0].address, consumers[0].address, KWH, deadline, v, r, s))
        .to.be.revertedWithCustomError(gridToken, "ERC2612InvalidSigner")
        .withArgs(outsider.address, prosumers[0].address);
    });
  });

  describe("two-step admin transfer (AccessControlDefaultAdminRules)", function () {
    it("moves pause and escrow-lock powers to the new admin only on acceptance", async function () {
      const { gridToken, admin, outsider, marketMaker } = await loadFixture(tokenFixture);
      await gridToken.connect(admin).beginDefaultAdminTransfer(outsider.address);
      await expect(gridToken.connect(outsider).pause())
        .to.be.revertedWithCustomError(gridToken, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ADMIN_ROLE);
      await gridToken.connect(outsider).acceptDefaultAdminTransfer();
      await expect(gridToken.connect(outsider).lockEscrowAccount(marketMaker.address))
        .to.emit(gridToken, "EscrowAccountLocked")
        .withArgs(marketMaker.address);
      await expect(gridToken.connect(admin).pause())
        .to.be.revertedWithCustomError(gridToken, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, ADMIN_ROLE);
    });
  });

  describe("access control", function () {
    shouldBeRegulatorOnly(accessContext, "NotRecRegulator", [
      { name: "addMinter", send: (t, s) => t.connect(s).addMinter(s.address) },
      { name: "removeMinter", send: async (t, s) => t.connect(s).removeMinter((await ethers.getSigners())[2]) },
      { name: "addBurner", send: (t, s) => t.connect(s).addBurner(s.address) },
      { name: "removeBurner", send: async (t, s) => t.connect(s).removeBurner((await ethers.getSigners())[2]) },
    ]);

    shouldBeAdminOnly(accessContext, [
      { name: "lockEscrowAccount", send: (t, s) => t.connect(s).lockEscrowAccount(s.address) },
      { name: "pause", send: (t, s) => t.connect(s).pause() },
      { name: "unpause", send: (t, s) => t.connect(s).unpause() },
    ]);
  });

  describe("gas", function () {
    it("mint and transfer stay within their budgets", async function () {
      const { gridToken, operator, prosumers, consumers } = await loadFixture(fundedTokenFixture);
      // Steady state: both accounts already hold GRID.
      await gridToken.connect(prosumers[0]).transfer(consumers[0].address, KWH);
      const mint = await (await gridToken.connect(operator).mint(prosumers[0].address, KWH, PROSUMER_METERS[0])).wait();
      const transfer = await (await gridToken.connect(prosumers[0]).transfer(consumers[0].address, KWH)).wait();
      console.log(`      gas: mint ${mint!.gasUsed}, transfer ${transfer!.gasUsed}`);
      expect(mint!.gasUsed).to.be.lessThan(70_000n);
      expect(transfer!.gasUsed).to.be.lessThan(60_000n);
    });
  });
});
