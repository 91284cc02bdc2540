// Scenario: registry operations (register, assign meters, meter signers) and meter readings (operator batches of
// 1, 10 and 100, mint-and-burn, signed readings relayed by a non-operator, request / fulfil).
//   Actors: a newcomer of its own; prosumers 0–210 of the population (readings); consumers 0–101 (signed
//   readings, request / fulfil) with a signing key each; a relayer of its own.
import { Signature } from "ethers";

import { domainOf, signReading } from "../../lib/eip712";
import type { Mined } from "../../lib/rpc";
import { makeActor, meterIdOf, UserType, type Actor, type ReadingTuple } from "../lib/actors";
import type { Bench } from "../lib/context";

export async function registryAndReadings(b: Bench): Promise<void> {
  const { registry, oracleClient, addresses, admin } = b.suite;
  const newcomer = makeActor("newcomer", UserType.Prosumer);
  await b.chain.unlock([newcomer.address]);
  const regulatorTx = (data: string) => ({ from: admin, to: addresses.registry, data, gas: 300_000 });

  let mined = await b.chain.exec(
    regulatorTx(
      registry.interface.encodeFunctionData("registerUser", [
        newcomer.address,
        UserType.Prosumer,
        "Building 12, Flat 3B",
      ]),
    ),
  );
  b.rec.record("registry.registerUser", mined.gasUsed, mined);
  newcomer.meterId = meterIdOf("newcomer-a");
  mined = await b.chain.exec(
    regulatorTx(registry.interface.encodeFunctionData("assignMeter", [newcomer.meterId, newcomer.address])),
  );
  b.rec.record("registry.assignMeter.first", mined.gasUsed, mined);
  mined = await b.chain.exec(
    regulatorTx(registry.interface.encodeFunctionData("assignMeter", [meterIdOf("newcomer-b"), newcomer.address])),
  );
  b.rec.record("registry.assignMeter.next", mined.gasUsed, mined);
  const newcomerSigner = makeActor("newcomer-signer", UserType.None);
  mined = await b.chain.exec(
    regulatorTx(registry.interface.encodeFunctionData("setMeterSigner", [newcomer.meterId, newcomerSigner.address])),
  );
  b.rec.record("registry.setMeterSigner", mined.gasUsed, mined);

  // Readings: the operator's batch (single, 10, 100), the signed path and request/fulfil.
  const readings = async (actors: Actor[], exportWh: bigint, importWh: bigint): Promise<Mined> => {
    const readAt = b.chain.now() + 1;
    return b.chain.exec(
      b.onboarding.readingsTx(actors.map((a) => b.onboarding.nextReading(a, exportWh, importWh, readAt))),
    );
  };
  b.rec.record("oracle.submitReadings.baseline", (await readings([newcomer], 0n, 0n)).gasUsed);
  b.chain.jumpTo(b.chain.now() + 900);
  b.rec.record("oracle.submitReadings.firstMint", (await readings([newcomer], 1_000n, 0n)).gasUsed);

  const p = b.population.prosumers;
  const single = await readings([p[0]], 1_000n, 0n);
  b.rec.record("oracle.submitReadings.batch1", single.gasUsed, single);
  b.rec.record("oracle.submitReadings.batch10.perReading", (await readings(p.slice(1, 11), 1_000n, 0n)).gasUsed / 10);
  const batch100 = await readings(p.slice(11, 111), 1_000n, 0n);
  b.rec.record("oracle.submitReadings.batch100.total", batch100.gasUsed, batch100);
  b.rec.record("oracle.submitReadings.batch100.perReading", batch100.gasUsed / 100);
  const mintBurn = await readings(p.slice(111, 211), 1_000n, 400n);
  b.rec.record("oracle.submitReadings.batch100MintAndBurn.perReading", mintBurn.gasUsed / 100);

  // Signed readings: each meter has its own signing key; a relayer (not an operator) submits.
  const signed = b.population.consumers.slice(0, 101);
  const signers = new Map(signed.map((a) => [a.meterId!, makeActor(`${a.label}-signer`, UserType.None)]));
  await b.chain.execMany(
    signed.map((a) =>
      regulatorTx(
        registry.interface.encodeFunctionData("setMeterSigner", [a.meterId!, signers.get(a.meterId!)!.address]),
      ),
    ),
  );
  const relayer = makeActor("relayer", UserType.None);
  await b.chain.unlock([relayer.address]);
  const domain = await domainOf(oracleClient);
  const signedBatch = async (actors: readonly Actor[]): Promise<Mined> => {
    const readAt = b.chain.now() + 1;
    const batch: ReadingTuple[] = actors.map((a) => b.onboarding.nextReading(a, 1_000n, 0n, readAt));
    const signatures: string[] = [];
    for (const reading of batch) {
      const signature = await signReading(signers.get(reading.meterId)!.wallet, domain, reading);
      signatures.push(Signature.from(signature).serialized);
    }
    return b.chain.exec({
      from: relayer.address,
      to: addresses.oracleClient,
      data: oracleClient.interface.encodeFunctionData("submitSignedReadings", [batch, signatures]),
      gas: 15_000_000,
    });
  };
  b.rec.record("oracle.submitSignedReadings.batch1", (await signedBatch(signed.slice(0, 1))).gasUsed);
  b.rec.record(
    "oracle.submitSignedReadings.batch100.perReading",
    (await signedBatch(signed.slice(1, 101))).gasUsed / 100,
  );

  // Request / fulfil: the meter's owner asks, the operator answers.
  const owner = b.population.consumers[101];
  mined = await b.chain.exec({
    from: owner.address,
    to: addresses.oracleClient,
    data: oracleClient.interface.encodeFunctionData("requestEnergyData", [owner.meterId!]),
    gas: 300_000,
  });
  b.rec.record("oracle.requestEnergyData", mined.gasUsed, mined);
  const requested = mined.logs
    .map((l) => oracleClient.interface.parseLog(l))
    .find((l) => l?.name === "EnergyDataRequested");
  const readAt = b.chain.now() + 1;
  mined = await b.chain.exec({
    from: admin,
    to: addresses.oracleClient,
    data: oracleClient.interface.encodeFunctionData("fulfillEnergyData", [
      requested!.args.requestId as bigint,
      b.onboarding.nextReading(owner, 1_000n, 0n, readAt),
    ]),
    gas: 500_000,
  });
  b.rec.record("oracle.fulfillEnergyData", mined.gasUsed, mined);
  b.rec.progress("registry operations and meter readings");
}
