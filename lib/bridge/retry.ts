// Exponential backoff with jitter for the bridge's calls to the head-end and the chain.

export interface RetryOptions {
  /** Attempts in total (1 = no retry). */
  attempts: number;
  /** Delay before the first retry, in ms; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay, in ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with ±20% jitter. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const raw = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** An error that retrying cannot fix (e.g. a 4xx from the head-end, a reverted transaction). */
export class PermanentError extends Error {}

/**
 * Runs `fn` until it succeeds, `attempts` are used up or it throws a {@link PermanentError}.
 * `onRetry` runs before each retry (after the delay), e.g. to re-read on-chain state.
 */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  hooks: { log?: (message: string) => void; onRetry?: (attempt: number) => Promise<void> } = {},
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      lastError = e;
      if (e instanceof PermanentError || attempt === options.attempts) break;
      const delay = backoffDelay(attempt, options);
      hooks.log?.(`${what} failed (${e instanceof Error ? e.message : String(e)}); retry ${attempt} in ${delay} ms`);
      await sleep(delay);
      await hooks.onRetry?.(attempt);
    }
  }
  throw lastError;
}
