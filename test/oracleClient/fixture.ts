// Fixtures of the OracleClient suite: the OracleClient against the real Registry and GridToken and a scripted
// clearing market, all through the production Ignition modules (see `deployOracleWithScriptedMarket`), so that
// every branch of the upkeep (hints, slices, budgets) can be driven exactly. The full system, with the real
// Trading contract, is exercised in test/integration/fullCycle.test.ts.
import { ethers } from "hardhat";

import { deployOracleWithScriptedMarket } from "../fixtures";
import { UserType } from "../helpers/enums";
import { now, reading } from "./helpers";

/** The meters of the fixture: A (prosumer, signed by `meterKey`), B (prosumer2), C (consumer); one unassigned. */
export const METER_A = ethers.encodeBytes32String("MTR-A");
export const METER_B = ethers.encodeBytes32String("MTR-B");
export const METER_C = ethers.encodeBytes32String("MTR-C");
export const UNKNOWN_METER = ethers.encodeBytes32String("MTR-UNKNOWN");

export async function deployOracleFixture() {
  const [admin, regulator, operator, prosumer, prosumer2, consumer, outsider, meterKey, forwarder, creForwarder] =
    await ethers.getSigners();

  const { registry, gridToken, market, oracleClient: oracle } = await deployOracleWithScriptedMarket();
  const oracleAddress = await oracle.getAddress();

  await registry.addRecRegulator(regulator.address);
  await registry.registerUser(prosumer.address, UserType.Prosumer, "Dorm A");
  await registry.registerUser(prosumer2.address, UserType.Prosumer, "Lab B");
  await registry.registerUser(consumer.address, UserType.Consumer, "Library");
  await registry.assignMeter(METER_A, prosumer.address);
  await registry.assignMeter(METER_B, prosumer2.address);
  await registry.assignMeter(METER_C, consumer.address);
  await registry.setMeterSigner(METER_A, meterKey.address);
  await oracle.connect(regulator).addOracleOperator(operator.address);

  const domain = {
    name: "GridMarket OracleClient",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: oracleAddress,
  };

  return {
    registry,
    gridToken,
    market,
    oracle,
    domain,
    admin,
    regulator,
    operator,
    prosumer,
    prosumer2,
    consumer,
    outsider,
    meterKey,
    forwarder,
    creForwarder,
  };
}

/// Meter A has a baseline 900 s ago (1,000 Wh exported, 500 Wh imported); returns that time.
export async function withBaselineFixture() {
  const f = await deployOracleFixture();
  const t0 = (await now()) - 900n;
  await f.oracle.connect(f.operator).submitReadings([reading(METER_A, 1_000n, 500n, t0)]);
  return { ...f, t0 };
}
