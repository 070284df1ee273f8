/**
 * The transfer engine's accounting: bytes counted (and paced by the bandwidth limit) as request bodies stream
 * out, taken back when an attempt fails; speed and ETA from a moving window; and the immutable snapshots and
 * totals the queue sends out.
 */
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { OverallProgress, TransferSnapshot } from '../../../shared/contract';
import type { JournalPart, JournalTransfer } from './journal';
import type { TokenBucket } from './token-bucket';
import { FINAL_STATES } from './types';

/** Chunk size for counting and throttling request bodies. */
export const BODY_CHUNK = 64 * 1024;

/** Where a request body's bytes are paced and counted: the shared bandwidth limit, the upload's signal, its counter. */
export interface BodyMeter {
  bandwidth: TokenBucket;
  signal: AbortSignal;
  /** Bytes of request bodies as they stream out (negative to take back a failed attempt). */
  onBytes(delta: number): void;
}

/** A transform that waits on the bandwidth limit and counts each chunk as the HTTP request pulls it. */
function meter(job: BodyMeter, counted: { n: number }): Transform {
  const t = new Transform({
    highWaterMark: BODY_CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      const grain = job.bandwidth.grain(chunk.length);
      if (grain >= chunk.length) {
        job.bandwidth.take(chunk.length, job.signal).then(
          () => {
            counted.n += chunk.length;
            job.onBytes(chunk.length);
            cb(null, chunk);
          },
          (err: unknown) => cb(err as Error),
        );
        return;
      }
      // Under a low limit the chunk goes out in slices, so the socket never sits idle long enough to be cut.
      void (async () => {
        for (let off = 0; off < chunk.length; off += grain) {
          const slice = chunk.subarray(off, off + grain);
          await job.bandwidth.take(slice.length, job.signal);
          counted.n += slice.length;
          job.onBytes(slice.length);
          t.push(slice);
        }
      })().then(
        () => cb(),
        (err: unknown) => cb(err as Error),
      );
    },
  });
  // A pause or cancel ends the body with the abort reason; the aborted request reports it, not this stream.
  t.on('error', () => {});
  return t;
}

/** Pipes a source into a meter, passing a read failure on (pipe alone would leave the request waiting). */
export function metered(source: Readable, job: BodyMeter, counted: { n: number }): Transform {
  const t = meter(job, counted);
  source.on('error', (err) => t.destroy(err));
  return source.pipe(t);
}

/**
 * A body over a buffer, cut into chunks so progress and the limit apply within a part. A body of one chunk or less
 * is the buffer itself, counted once its bandwidth is granted: for thousands of small files a stream pipeline per
 * file cost more CPU than the upload, and progress within 64 KiB is invisible anyway.
 */
export async function bufferBody(buf: Buffer, job: BodyMeter, counted: { n: number }): Promise<Readable | Buffer> {
  if (buf.length <= BODY_CHUNK) {
    await job.bandwidth.take(buf.length, job.signal);
    counted.n += buf.length;
    job.onBytes(buf.length);
    return buf;
  }
  function* slices() {
    for (let off = 0; off < buf.length; off += BODY_CHUNK) yield buf.subarray(off, off + BODY_CHUNK);
  }
  return metered(Readable.from(slices(), { objectMode: false }), job, counted);
}

/** Runs `fn` for a request body and takes back the counted bytes when the attempt fails. */
export async function counting<T>(job: BodyMeter, fn: (counted: { n: number }) => Promise<T>): Promise<T> {
  const counted = { n: 0 };
  try {
    return await fn(counted);
  } catch (err) {
    job.onBytes(-counted.n);
    throw err;
  }
}


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

/** What the snapshots and totals read of one transfer in the queue. */
export interface Accounted {
  rec: JournalTransfer;
  parts: Map<number, JournalPart>;
  bytesDone: number;
  partsTotal?: number;
  meter: SpeedMeter;
  /** While 'waiting-network': the endpoint's failed tries so far (shown to the CLI and the UI). */
  waitAttempt?: number;
}

/** One transfer as the UI sees it: an immutable snapshot. */
export function snapshotOf(e: Accounted): TransferSnapshot {
  const { rec } = e;
  const running = rec.state === 'running';
  const speed = running ? e.meter.speed() : 0;
  return Object.freeze({
    id: rec.id,
    name: basename(rec.localPath),
    bucket: rec.bucket,
    key: rec.key,
    profileId: rec.profileId,
    direction: rec.direction ?? 'upload',
    state: rec.state,
    bytesDone: Math.min(e.bytesDone, rec.size || e.bytesDone),
    bytesTotal: rec.size,
    speed,
    etaSeconds: running ? etaSeconds(rec.size - e.bytesDone, speed) : FINAL_STATES.has(rec.state) ? 0 : null,
    priority: rec.priority,
    ...(e.partsTotal !== undefined
      ? { partsTotal: e.partsTotal, partsDone: FINAL_STATES.has(rec.state) && rec.state !== 'failed' && rec.state !== 'cancelled' ? e.partsTotal : e.parts.size }
      : {}),
    createdAt: rec.createdAt,
    ...(rec.finishedAt ? { finishedAt: rec.finishedAt } : {}),
    ...(rec.error ? { error: rec.error } : {}),
    ...(rec.origin ? { origin: rec.origin } : {}),
    ...(rec.batch ? { batch: rec.batch } : {}),
    ...(rec.state === 'waiting-network' && e.waitAttempt !== undefined ? { waitAttempt: e.waitAttempt } : {}),
    ...(rec.verifiedBy ? { verifiedBy: rec.verifiedBy } : {}),
  });
}

/**
 * The totals over every transfer. Cancelled and failed ones are counted but their bytes left out: they are not on
 * their way, so the bar reaches its end when everything else landed, and the time left is not waiting for them
 * (a retry puts a failed one back in the totals).
 */
export function overallOf(entries: Iterable<Accounted>, allPaused: boolean): OverallProgress {
  const o: OverallProgress = { bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused };
  for (const e of entries) {
    const st = e.rec.state;
    if (st === 'cancelled') {
      o.cancelled++;
      continue;
    }
    if (st === 'failed') {
      o.failed++;
      continue;
    }
    o.bytesTotal += e.rec.size;
    o.bytesDone += Math.min(e.bytesDone, e.rec.size || e.bytesDone);
    if (st === 'running') {
      o.running++;
      o.speed += e.meter.speed();
    } else if (st === 'queued' || st === 'waiting-auth' || st === 'waiting-network') o.queued++;
    else if (st === 'waiting-answer') o.asking = (o.asking ?? 0) + 1;
    else if (st === 'paused') o.paused++;
    else o.done++;
  }
  o.etaSeconds = o.running > 0 ? etaSeconds(o.bytesTotal - o.bytesDone, o.speed) : null;
  return o;
}
