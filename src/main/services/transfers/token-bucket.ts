/** A shared token bucket for the optional upload bandwidth limit. */
import { sleep } from './retry';

/** Limits bytes per second across every upload; a rate of 0 means no limit. */
export class TokenBucket {
  private tokens = 0;
  private last = Date.now();
  private waiters: Promise<void> = Promise.resolve();

  /** `rate` is read on every take so a settings change applies at once. */
  constructor(private readonly rate: () => number) {}

  /**
   * The largest slice one request should take at a time: a quarter second's worth under a limit, so that many
   * requests sharing a low limit each still write every few seconds (an idle socket is cut as stalled).
   */
  grain(max: number): number {
    const rate = this.rate();
    return rate <= 0 ? max : Math.max(512, Math.min(max, Math.floor(rate / 4)));
  }

  /** Waits until `bytes` may be sent; rejects when the signal aborts (pause must not wait for a slow bucket). */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    const rate = this.rate();
    if (rate <= 0) return Promise.resolve();
    // Chain takers so bytes are granted in arrival order and the rate holds across all of them.
    const next = this.waiters.then(() => this.grant(bytes, rate, signal));
    this.waiters = next.catch(() => {});
    return next;
  }

  private async grant(bytes: number, rate: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = Date.now();
    // Burst of at most a quarter second, so a long pause does not turn into a flood.
    this.tokens = Math.min(rate / 4, this.tokens + ((now - this.last) / 1000) * rate);
    this.last = now;
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    await sleep((-this.tokens / rate) * 1000, signal);
  }
}
