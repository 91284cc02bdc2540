// What gas costs in money: a gas price and the native token's price, from a named preset or given outright.
// The presets are assumptions, not quotes; they carry the date they were taken so a report says how old they are.

export interface GasEconomics {
  /** Preset name ("l2", "l1") or "custom" when a figure was given outright. */
  name: string;
  /** Gas price in gwei (1e-9 of the native token per gas). */
  gasPriceGwei: number;
  /** Price of the native token (ETH) in USD. */
  nativeUsd: number;
  /** Where the figures come from and when they were assumed. */
  note: string;
}

/** When the preset figures were assumed. */
export const ECONOMICS_AS_OF = "2026-11";

export const GAS_PRESETS = {
  l2: {
    name: "l2",
    gasPriceGwei: 0.01,
    nativeUsd: 3000,
    note: `an Ethereum L2 rollup at 0.01 gwei, ETH at ~$3,000 (assumptions as of ${ECONOMICS_AS_OF}; L1 data fees not included)`,
  },
  l1: {
    name: "l1",
    gasPriceGwei: 10,
    nativeUsd: 3000,
    note: `Ethereum mainnet at ~10 gwei, ETH at ~$3,000 (assumptions as of ${ECONOMICS_AS_OF})`,
  },
} as const satisfies Record<string, GasEconomics>;

export type GasPresetName = keyof typeof GAS_PRESETS;

export function isGasPreset(name: string): name is GasPresetName {
  return Object.prototype.hasOwnProperty.call(GAS_PRESETS, name);
}

/** A preset, with the gas price and/or native-token price overridden when given (then named "custom"). */
export function gasEconomics(preset: GasPresetName, gasPriceGwei?: number, nativeUsd?: number): GasEconomics {
  const base = GAS_PRESETS[preset];
  if (gasPriceGwei === undefined && nativeUsd === undefined) return { ...base };
  const price = gasPriceGwei ?? base.gasPriceGwei;
  const usd = nativeUsd ?? base.nativeUsd;
  return {
    name: "custom",
    gasPriceGwei: price,
    nativeUsd: usd,
    note: `${price} gwei, native token at $${usd} (given on the command line; other figures from the ${preset} preset, as of ${ECONOMICS_AS_OF})`,
  };
}

/** What `gas` costs in USD at `economics`. */
export function gasCostUsd(gas: bigint | number, economics: Pick<GasEconomics, "gasPriceGwei" | "nativeUsd">): number {
  return Number(gas) * economics.gasPriceGwei * 1e-9 * economics.nativeUsd;
}
