/** Retry policy: exponential backoff with full jitter, for errors the catalogue marks retryable. */
import { AppError } from '../../../shared/errors';
import { isAbort, s3ErrorCode, toAppError, type S3ErrorContext } from '../s3/errors';

/** How hard to try. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** The engine's default: 6 tries, 0.25 s doubling to at most 20 s. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseMs: 250, maxMs: 20_000 };

/** The delay before retry number `attempt` (1-based): full jitter over an exponential ceiling. */
export function backoffMs(attempt: number, policy: RetryPolicy = defaultRetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** How a transfer that lost its endpoint waits between probes (the queue's, not one request's). */
export interface WaitPolicy {
  baseMs: number;
  maxMs: number;
}

/** The engine's default: about 1 s, doubling to at most 60 s. */
export const defaultWaitPolicy: WaitPolicy = { baseMs: 1_000, maxMs: 60_000 };

/**
 * The delay before probe number `attempt` (1-based): half the exponential ceiling plus a random share of the other
 * half. Never near zero (a dead endpoint is not knocked on in a loop), yet many waiting apps do not knock at once.
 */
export function waitBackoffMs(attempt: number, policy: WaitPolicy = defaultWaitPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/** Sleeps, waking early with the abort reason when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or attempts run out. Aborts pass through untouched.
 * Clock skew is retried at most twice: the SDK corrects its offset from the failed response, so a second
 * failure means the clock is not the whole story.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, ctx: S3ErrorContext, signal?: AbortSignal, policy = defaultRetryPolicy): Promise<T> {
  let skewRetries = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (isAbort(err) || signal?.aborted) throw signal?.reason ?? err;
      const appErr = toAppError(err, ctx);
      const skew = s3ErrorCode(err) === 'RequestTimeTooSkewed' || appErr.code === 'CLOCK_SKEW';
      if (skew && ++skewRetries > 2) throw new AppError('CLOCK_SKEW', {}, { retryable: false, details: appErr.options.details, cause: err });
      if (!appErr.options.retryable || attempt >= policy.attempts) throw appErr;
      await sleep(skew ? 0 : backoffMs(attempt, policy), signal);
    }
  }
}
