// The contracts' enums: one definition, in lib/enums.ts (checked against the compiled AST in test/tasks/lib.test.ts).
export {
  EpochStatus,
  OrderStatus,
  RejectReason,
  RequestStatus,
  Side,
  UserStatus,
  UserType,
  Work,
} from "../../lib/enums";
