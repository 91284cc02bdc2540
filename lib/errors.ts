// Operator-facing errors: one class, so that Hardhat prints the message without a stack trace.
import { HardhatPluginError } from "hardhat/plugins";

/** Name under which the CLI's errors are reported. */
export const PLUGIN = "gridmarket";

/** An error the operator can act on: bad input, missing deployment, wrong network, refused transaction. */
export class CliError extends HardhatPluginError {
  constructor(message: string) {
    super(PLUGIN, message);
  }
}

/** Throws a {@link CliError} with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CliError(message);
}
