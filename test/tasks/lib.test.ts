// Pure helpers of the operator CLI: units, meter ids, reading files, input validation, registrar versions.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";

import { parseAccountToken } from "../../lib/accounts";
import { describeMeterId, meterIdFromSerial } from "../../lib/meters";
import { batchEscrow, parseOrderSpec, parseOrderSpecs, shortfall } from "../../lib/orders";
import { readReadingsFile } from "../../lib/readings";
import {
  buyEscrow,
  formatKwh,
  formatMoney,
  formatPrice,
  parseInteger,
  parseKwh,
  parseMoney,
  parsePrice,
} from "../../lib/units";
import { parseAddress, parseBoolean, parseChoice } from "../../lib/validate";
import hre from "hardhat";

import { registrarVersion } from "../../lib/automation";
import { CONTRACT_ENUMS, enumNames, Side } from "../../lib/enums";

const USDC = { tickSize: 100n, maxPrice: 1_000_000n, decimals: 6, symbol: "USDC" };

describe("operator CLI helpers", () => {
  describe("#parseKwh", () => {
    it("converts kWh to GRID base units", () => {
      expect(parseKwh("--amount", "1.5")).to.equal(1_500_000_000_000_000_000n);
      expect(parseKwh("--amount", "0.001")).to.equal(10n ** 15n);
      expect(parseKwh("--amount", "12")).to.equal(12n * 10n ** 18n);
    });

    it("rejects fractions of a watt-hour, zero and malformed input", () => {
      expect(() => parseKwh("--amount", "0.0015")).to.throw(
        "--amount: 0.0015 kWh is not a whole number of watt-hours (at most 3 decimals of kWh)",
      );
      expect(() => parseKwh("--amount", "0")).to.throw("--amount: the amount must be positive");
      expect(() => parseKwh("--amount", "-1")).to.throw('--amount: "-1" is not a non-negative decimal number of kWh');
      expect(() => parseKwh("--amount", "1e3")).to.throw('--amount: "1e3" is not a non-negative decimal number of kWh');
    });
  });

  describe("#parsePrice", () => {
    it("converts currency per kWh to payment-token base units per 1e18 GRID", () => {
      expect(parsePrice("--price", "0.25", USDC)).to.equal(250_000n);
      expect(parsePrice("--price", "1", USDC)).to.equal(1_000_000n);
    });

    it("explains the tick size, the price cap and the token's decimals in human units", () => {
      const refused: [string, string][] = [
        ["0.00015", "--price: 0.00015 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh"],
        ["1.5", "--price: 1.5 USDC/kWh is above the regulator's price cap 1 USDC/kWh"],
        ["0.1234567", '--price: "0.1234567" has 7 decimals; USDC per kWh take at most 6'],
        ["0", "--price: the price must be positive"],
      ];
      for (const [price, message] of refused) {
        expect(() => parsePrice("--price", price, USDC)).to.throw(message);
      }
    });
  });

  describe("#buyEscrow", () => {
    it("rounds the escrow up like Trading", () => {
      expect(buyEscrow(10n ** 18n, 250_000n)).to.equal(250_000n);
      expect(buyEscrow(10n ** 15n, 100n)).to.equal(1n); // 0.1 base unit rounds up to 1
      expect(buyEscrow(3n * 10n ** 15n, 333_300n)).to.equal(1_000n); // 999.9 → 1000
    });
  });

  describe("#parseOrderSpecs / #batchEscrow / #shortfall", () => {
    it("parses side:kWh@price specs into base units, checked against the price rules", () => {
      const orders = parseOrderSpecs("--orders", "sell:1.5@0.20, BUY:0.001@0.0001", USDC);
      expect(orders).to.deep.equal([
        { side: Side.Sell, amount: 1_500n * 10n ** 15n, price: 200_000n },
        { side: Side.Buy, amount: 10n ** 15n, price: 100n },
      ]);
      expect(batchEscrow(orders)).to.deep.equal({ grid: 1_500n * 10n ** 15n, payment: 1n });
      expect(() => parseOrderSpec("--orders", "hold:1@0.2", USDC)).to.throw(
        '--orders: "hold:1@0.2" is not side:kWh@price (e.g. buy:1.5@0.25)',
      );
      expect(() => parseOrderSpec("--orders", "buy:1@2", USDC)).to.throw(
        '--orders "buy:1@2": 2 USDC/kWh is above the regulator\'s price cap 1 USDC/kWh',
      );
      expect(() => parseOrderSpecs("--orders", " , ", USDC)).to.throw(
        "--orders: give at least one side:kWh@price order",
      );
    });

    it("pulls from the wallet only what the account lacks", () => {
      expect(shortfall(0n, 5n)).to.equal(5n);
      expect(shortfall(3n, 5n)).to.equal(2n);
      expect(shortfall(5n, 5n)).to.equal(0n);
      expect(shortfall(9n, 5n)).to.equal(0n);
    });
  });

  describe("#parseAccountToken", () => {
    it("takes grid/kwh or the payment token by name or symbol", () => {
      expect(
        ["grid", "kWh", "payment", "usdc", "USDC"].map((t) => parseAccountToken("--token", t, "USDC")),
      ).to.deep.equal(["GRID", "GRID", "payment", "payment", "payment"]);
      expect(() => parseAccountToken("--token", "dai", "USDC")).to.throw('--token: "dai" is not grid or usdc');
    });
  });

  describe("formatting", () => {
    it("prints kWh, money and prices without trailing zeros", () => {
      expect(formatKwh(1_500_000_000_000_000_000n)).to.equal("1.5 kWh");
      expect(formatKwh(0n)).to.equal("0 kWh");
      expect(formatMoney(12_340_000n, 6, "USDC")).to.equal("12.34 USDC");
      expect(formatPrice(250_000n, 6, "USDC")).to.equal("0.25 USDC/kWh");
      expect(parseMoney("--amount", "12.34", 6, "USDC")).to.equal(12_340_000n);
    });
  });

  describe("#parseInteger", () => {
    it("accepts bounded integers and names the bound it breaks", () => {
      expect(parseInteger("--epoch", "42")).to.equal(42n);
      expect(() => parseInteger("--batch-size", "0", 1n)).to.throw("--batch-size: 0 is below the minimum 1");
      expect(() => parseInteger("--batch-size", "301", 1n, 300n)).to.throw(
        "--batch-size: 301 is above the maximum 300",
      );
      expect(() => parseInteger("--epoch", "1.5")).to.throw('--epoch: "1.5" is not a non-negative integer');
    });
  });

  describe("#meterIdFromSerial", () => {
    it("stores serials of up to 31 bytes readably", () => {
      expect(meterIdFromSerial("MTR-0001")).to.equal(encodeBytes32String("MTR-0001"));
      expect(describeMeterId(meterIdFromSerial("MTR-0001"))).to.equal(`MTR-0001 (${encodeBytes32String("MTR-0001")})`);
    });

    it("hashes longer serials with keccak256", () => {
      const serial = "CAMPUS-NORTH-BUILDING-7-FLAT-12-METER-A";
      expect(meterIdFromSerial(serial)).to.equal(keccak256(toUtf8Bytes(serial)));
      expect(describeMeterId(meterIdFromSerial(serial))).to.equal(keccak256(toUtf8Bytes(serial)));
    });

    it("takes a 32-byte hex id as already encoded, and rejects empty, padded and zero ids", () => {
      const id = keccak256(toUtf8Bytes("x"));
      expect(meterIdFromSerial(id.toUpperCase().replace("0X", "0x"))).to.equal(id);
      expect(() => meterIdFromSerial("")).to.throw("--meter: the meter serial is empty");
      expect(() => meterIdFromSerial(" MTR-1")).to.throw('--meter: " MTR-1" starts or ends with whitespace');
      expect(() => meterIdFromSerial(`0x${"0".repeat(64)}`)).to.throw("--meter: the zero meter id is not a meter");
    });
  });

  describe("#readReadingsFile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-readings-"));
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };

    it("reads CSV with comments, ISO dates and unix seconds", () => {
      const file = write(
        "a.csv",
        "# head-end export\nmeter,exportWh,importWh,readAt\nMTR-1,100,20,1767225600\n\nMTR-2,5,0,2026-01-01T00:15:00Z\n",
      );
      const rows = readReadingsFile(file);
      expect(rows.map((r) => [r.serial, r.exportWh, r.importWh, r.readAt, r.signature])).to.deep.equal([
        ["MTR-1", 100n, 20n, 1767225600n, undefined],
        ["MTR-2", 5n, 0n, 1767226500n, undefined],
      ]);
      expect(rows[0].meterId).to.equal(encodeBytes32String("MTR-1"));
    });

    it("reads JSON arrays and {readings: [...]} with signatures", () => {
      const file = write(
        "b.json",
        JSON.stringify({ readings: [{ meter: "MTR-1", exportWh: 7, importWh: "8", readAt: 9, signature: "0xabcd" }] }),
      );
      const [row] = readReadingsFile(file);
      expect([row.exportWh, row.importWh, row.readAt, row.signature]).to.deep.equal([7n, 8n, 9n, "0xabcd"]);
    });

    it("names the file, the row and the rule on bad input", () => {
      expect(() => readReadingsFile(write("c.csv", "meter,exportWh,readAt\nMTR-1,1,2\n"))).to.throw(
        "the header row must name the columns meter, exportWh, importWh, readAt",
      );
      expect(() => readReadingsFile(write("d.csv", "meter,exportWh,importWh,readAt\nMTR-1,-5,0,10\n"))).to.throw(
        'd.csv line 2: "exportWh" must be a non-negative integer number of Wh',
      );
      expect(() =>
        readReadingsFile(
          write("e.json", JSON.stringify([{ meter: "M", exportWh: 1, importWh: 1, readAt: "yesterday" }])),
        ),
      ).to.throw('e.json reading #1: "readAt" must be unix seconds or an ISO-8601 date with a time zone');
      expect(() =>
        readReadingsFile(
          write(
            "f.json",
            JSON.stringify([
              { meter: "M", exportWh: 1, importWh: 1, readAt: 5, signature: "0x01" },
              { meter: "M", exportWh: 2, importWh: 1, readAt: 6 },
            ]),
          ),
        ),
      ).to.throw("f.json: 1 of 2 readings are signed; sign all of them or none");
      expect(() => readReadingsFile(write("g.txt", "x"))).to.throw("must end in .json or .csv");
      expect(() =>
        readReadingsFile(
          write("h.json", JSON.stringify([{ meter: "M", exportWh: "18446744073709551616", importWh: 0, readAt: 1 }])),
        ),
      ).to.throw('h.json reading #1: "exportWh" 18446744073709551616 does not fit a uint64 register');
    });
  });

  describe("validation", () => {
    it("checks addresses, checksums and choices", () => {
      expect(parseAddress("--account", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")).to.equal(
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      );
      expect(() => parseAddress("--account", "0x1234")).to.throw('--account: "0x1234" is not an address');
      expect(() => parseAddress("--account", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8")).to.throw(
        "is not an address (or its checksum is wrong)",
      );
      expect(() => parseAddress("--account", "0x0000000000000000000000000000000000000000")).to.throw(
        "--account: the zero address is not allowed",
      );
      expect(parseChoice("--side", "BUY", ["Buy", "Sell"] as const)).to.equal("Buy");
      expect(() => parseChoice("--side", "hold", ["Buy", "Sell"] as const)).to.throw(
        '--side: "hold" is not one of Buy, Sell',
      );
      expect(parseBoolean("--enabled", "off")).to.equal(false);
      expect(() => parseBoolean("--enabled", "maybe")).to.throw('--enabled: "maybe" is not true or false');
    });
  });

  describe("#registrarVersion", () => {
    it("recognises the 2.1 and 2.3 registrars and refuses others", () => {
      expect(registrarVersion("AutomationRegistrar 2.1.0")).to.equal("2.1");
      expect(registrarVersion("AutomationRegistrar 2.3.0")).to.equal("2.3");
      expect(() => registrarVersion("KeeperRegistrar 2.0.0")).to.throw(
        'unsupported registrar "KeeperRegistrar 2.0.0": this task builds RegistrationParams for AutomationRegistrar 2.1 and 2.3',
      );
      expect(() => registrarVersion("AutomationRegistry 2.3.0")).to.throw(
        'unsupported registrar "AutomationRegistry 2.3.0"',
      );
    });
  });

  describe("enums", () => {
    interface AstNode {
      nodeType?: string;
      canonicalName?: string;
      members?: { name: string }[];
      nodes?: AstNode[];
    }

    /** Every enum of the compiled interfaces, by canonical name, with its members in declaration order. */
    async function compiledEnums(): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const name of ["IRegistry", "ITrading", "IOracleClient"]) {
        const file = `contracts/interfaces/${name}.sol`;
        const buildInfo = await hre.artifacts.getBuildInfo(`${file}:${name}`);
        const walk = (node: AstNode) => {
          if (node.nodeType === "EnumDefinition" && node.canonicalName !== undefined) {
            out.set(
              node.canonicalName,
              (node.members ?? []).map((m) => m.name),
            );
          }
          for (const child of node.nodes ?? []) walk(child);
        };
        walk(buildInfo!.output.sources[file].ast as AstNode);
      }
      return out;
    }

    it("lib/enums.ts mirrors every enum of the contracts, member by member", async () => {
      const compiled = await compiledEnums();
      expect([...compiled.keys()].sort()).to.deep.equal(Object.keys(CONTRACT_ENUMS).sort());
      for (const [name, values] of Object.entries(CONTRACT_ENUMS)) {
        expect(enumNames(values), name).to.deep.equal(compiled.get(name));
      }
    });
  });
});
