// The contracts' enums, in declaration order (the ABI encodes an enum as its index). This is the one TypeScript
// definition of each: the CLI, the bridge, the demo, the benchmark and the tests import it from here, and
// test/tasks/lib.test.ts checks every member against the compiled contracts' AST, so a change to an enum in
// contracts/interfaces/*.sol that is not made here fails the tests.
//
// Each enum is one row of member names; `Side.Sell` is the index the ABI carries (1) and `Side` is also the type
// of those indexes (`0 | 1`).

/** `{ Member: index }` of an enum whose members are `names`, in declaration order. */
type ContractEnum<Names extends readonly string[]> = {
  readonly [
    I in keyof Names as I extends `${number}` ? Names[I] & string : never
  ]: I extends `${infer N extends number}` ? N : never;
};

/** The values of a {@link ContractEnum}: the indexes the ABI carries. */
type ValueOf<E> = E[keyof E];

function contractEnum<const Names extends readonly string[]>(...names: Names): ContractEnum<Names> {
  return Object.freeze(Object.fromEntries(names.map((name, index) => [name, index]))) as ContractEnum<Names>;
}

/** `IRegistry.UserType` */
export const UserType = contractEnum("None", "Prosumer", "Consumer");
export type UserType = ValueOf<typeof UserType>;

/** `IRegistry.UserStatus` */
export const UserStatus = contractEnum("None", "Active", "Suspended");
export type UserStatus = ValueOf<typeof UserStatus>;

/** `ITrading.Side` */
export const Side = contractEnum("Buy", "Sell");
export type Side = ValueOf<typeof Side>;

/** `ITrading.OrderStatus` */
export const OrderStatus = contractEnum("None", "Open", "Cancelled", "Settled");
export type OrderStatus = ValueOf<typeof OrderStatus>;

/** `ITrading.EpochStatus` */
export const EpochStatus = contractEnum("Empty", "Open", "Closed", "Matching", "Settling", "Settled");
export type EpochStatus = ValueOf<typeof EpochStatus>;

/** `ITrading.Work` */
export const Work = contractEnum("None", "Match", "Settle");
export type Work = ValueOf<typeof Work>;

/** `IOracleClient.RejectReason`: why the OracleClient rejected a reading. */
export const RejectReason = contractEnum(
  "None",
  "MeterNotAssigned",
  "OwnerNotVerified",
  "StaleReading",
  "FutureReading",
  "SentinelValue",
  "RegisterRollback",
  "ImplausibleDelta",
  "MissingSigner",
  "InvalidSignature",
);
export type RejectReason = ValueOf<typeof RejectReason>;

/** `IOracleClient.RequestStatus` */
export const RequestStatus = contractEnum("None", "Pending", "Fulfilled");
export type RequestStatus = ValueOf<typeof RequestStatus>;

/** The member names of an enum, in declaration order (index = the value the ABI carries). */
export function enumNames<E extends Readonly<Record<string, number>>>(e: E): readonly Extract<keyof E, string>[] {
  return Object.keys(e) as Extract<keyof E, string>[];
}

/** The enums as the Solidity sources name them (`<interface>.<enum>`), for checks against the compiled AST. */
export const CONTRACT_ENUMS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "IRegistry.UserType": UserType,
  "IRegistry.UserStatus": UserStatus,
  "ITrading.Side": Side,
  "ITrading.OrderStatus": OrderStatus,
  "ITrading.EpochStatus": EpochStatus,
  "ITrading.Work": Work,
  "IOracleClient.RequestStatus": RequestStatus,
  "IOracleClient.RejectReason": RejectReason,
};

export const USER_TYPES = enumNames(UserType);
export const USER_STATUSES = enumNames(UserStatus);
export const SIDES = enumNames(Side);
export const ORDER_STATUSES = enumNames(OrderStatus);
export const EPOCH_STATUSES = enumNames(EpochStatus);
export const WORK = enumNames(Work);
export const REJECT_REASONS = enumNames(RejectReason);
