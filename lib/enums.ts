// The contracts' enums, in declaration order (the ABI encodes an enum as its index). This is the one TypeScript
// definition of each: the CLI, the bridge, the demo, the benchmark and the tests import it from here, and
// test/tasks/lib.test.ts checks every member against the compiled contracts' AST, so a change to an enum in
// contracts/interfaces/*.sol that is not made here fails the tests.

/** `IRegistry.UserType` */
export enum UserType {
  None = 0,
  Prosumer = 1,
  Consumer = 2,
}

/** `IRegistry.UserStatus` */
export enum UserStatus {
  None = 0,
  Active = 1,
  Suspended = 2,
}

/** `ITrading.Side` */
export enum Side {
  Buy = 0,
  Sell = 1,
}

/** `ITrading.OrderStatus` */
export enum OrderStatus {
  None = 0,
  Open = 1,
  Cancelled = 2,
  Settled = 3,
}

/** `ITrading.EpochStatus` */
export enum EpochStatus {
  Empty = 0,
  Open = 1,
  Closed = 2,
  Matching = 3,
  Settling = 4,
  Settled = 5,
}

/** `ITrading.Work` */
export enum Work {
  None = 0,
  Match = 1,
  Settle = 2,
}

/** `IOracleClient.RejectReason`: why the OracleClient rejected a reading. */
export enum RejectReason {
  None = 0,
  MeterNotAssigned = 1,
  OwnerNotVerified = 2,
  StaleReading = 3,
  FutureReading = 4,
  SentinelValue = 5,
  RegisterRollback = 6,
  ImplausibleDelta = 7,
  MissingSigner = 8,
  InvalidSignature = 9,
}

/** `IOracleClient.RequestStatus` */
export enum RequestStatus {
  None = 0,
  Pending = 1,
  Fulfilled = 2,
}

/** The member names of a numeric enum, in declaration order (index = the value the ABI carries). */
export function enumNames<E extends Record<string, string | number>>(e: E): readonly Extract<keyof E, string>[] {
  return Object.keys(e).filter((key) => Number.isNaN(Number(key))) as Extract<keyof E, string>[];
}

/** The enums as the Solidity sources name them (`<interface>.<enum>`), for checks against the compiled AST. */
export const CONTRACT_ENUMS: Readonly<Record<string, Record<string, string | number>>> = {
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
