/** Speed and ETA from a moving window of byte counts. */

/** A moving-window speed meter over the last few seconds. */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];

  /** `windowMs` is how far back the speed looks. */
  constructor(private readonly windowMs = 5_000) {}

  /** Records the running total of bytes at time `now`. */
  record(totalBytes: number, now = Date.now()): void {
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.t < 100) {
      last.bytes = totalBytes;
      return;
    }
    this.samples.push({ t: now, bytes: totalBytes });
    const cutoff = now - this.windowMs;
    while (this.samples.length > 2 && this.samples[1]!.t <= cutoff) this.samples.shift();
  }

  /** Bytes per second over the window (0 until there are two samples). */
  speed(now = Date.now()): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    // A stalled transfer's speed decays to zero instead of freezing at its last value.
    const span = Math.max(now, last.t) - first.t;
    if (span <= 0) return 0;
    return Math.max(0, ((last.bytes - first.bytes) / span) * 1000);
  }

  /** Forgets everything (after a pause). */
  reset(): void {
    this.samples = [];
  }
}

/** Seconds left at a speed, or null when the speed is unknown. */
export function etaSeconds(remaining: number, speed: number): number | null {
  if (remaining <= 0) return 0;
  if (speed <= 0) return null;
  return Math.ceil(remaining / speed);
}
