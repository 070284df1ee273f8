/**
 * The terminal progress bar: it subscribes to the engine's 'transfers:progress' snapshots (already
 * throttled) and redraws at most 5 times a second on stderr, only when stderr is a TTY.
 */
import type { EventBus } from '../main/services/events';
import type { TransferSnapshot } from '../shared/contract';

/** Final states: nothing more will happen to a transfer in one of these. */
export const FINAL_STATES = new Set(['done', 'skipped', 'failed', 'cancelled']);

/** Human-readable bytes (binary units, as the UI shows them). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** One line of progress over a set of transfers. */
export function progressLine(rows: TransferSnapshot[], width = 24): string {
  let done = 0;
  let total = 0;
  let speed = 0;
  let finished = 0;
  for (const r of rows) {
    done += r.bytesDone;
    total += r.bytesTotal;
    if (r.state === 'running') speed += r.speed;
    if (FINAL_STATES.has(r.state)) finished++;
  }
  const share = total > 0 ? Math.min(1, done / total) : rows.length > 0 ? finished / rows.length : 0;
  const filled = Math.round(share * width);
  const eta = speed > 0 ? ` ETA ${Math.ceil((total - done) / speed)}s` : '';
  const rate = speed > 0 ? ` ${formatBytes(speed)}/s` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${formatBytes(done)}/${formatBytes(total)} ${finished}/${rows.length} files${rate}${eta}`;
}

/** A live bar for the given transfer ids; `stop()` clears it. Does nothing unless `tty` is true. */
export class ProgressBar {
  private readonly rows = new Map<string, TransferSnapshot>();
  private lastDraw = 0;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private drawn = false;

  /** Builds a bar that writes to `out` when `tty` is true. */
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly minIntervalMs = 200,
  ) {}

  /** Starts following these transfers (their current snapshots first). */
  follow(events: EventBus, initial: TransferSnapshot[]): void {
    if (!this.tty) return;
    for (const t of initial) this.rows.set(t.id, t);
    this.unsubscribe = events.on('transfers:progress', (p) => {
      for (const t of p.changed) if (this.rows.has(t.id)) this.rows.set(t.id, t);
      this.schedule();
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastDraw + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastDraw = Date.now();
      this.out.write(`\r\x1b[2K${progressLine([...this.rows.values()])}`);
      this.drawn = true;
    }, wait);
    this.timer.unref?.();
  }

  /** Prints one line of its own (TTY or not), above the bar when one is drawn; the bar comes back at the next redraw. */
  note(line: string): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
    this.out.write(`${line}\n`);
    if (this.tty && this.rows.size > 0) this.schedule();
  }

  /** Stops redrawing and clears the line. */
  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.drawn) this.out.write('\r\x1b[2K');
  }
}
