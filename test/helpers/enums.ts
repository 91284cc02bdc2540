/**
 * Mirrors of the Solidity enums, in declaration order (the ABI encodes an enum as its index).
 * Keep them in step with contracts/interfaces/*.sol.
 */

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
