/** File slots: small files share a slot four ways, big files take a whole one, and the limit holds. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotOf, SMALL_FILE_BYTES, TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startChaosProxy, type ChaosProxy } from '../../../support/chaos-proxy';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testClients, testCore } from './harness';

const info = s3Info();
const dir = mkdtempSync(join(tmpdir(), 's3drop-slots-'));
let proxy: ChaosProxy;
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(rawClient(info), 'slots');
  // Latency on every request, so uploads overlap long enough to be counted.
  proxy = await startChaosProxy({ upstream: info.endpoint, seed: 1, faultRate: 0, latencyMs: 150 });
});
afterAll(async () => {
  await proxy.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the files through an engine limited to `concurrency` and returns the most that were running at once. */
async function peakRunning(sizes: number[], concurrency: number): Promise<number> {
  const core = testCore({ concurrency, multipartThresholdMiB: 16 });
  const engine = new TransferService(core, testClients(core, info, proxy.url));
  await engine.start();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, engine.list().overall.running)), 5);
  try {
    const files = sizes.map((size, i) => randomFile(dir, `f${concurrency}-${i}-${size}.bin`, size));
    const ids = engine.enqueue(files.map((f, i) => ({ localPath: f.path, profileId: 'test', bucket, key: `slots/${concurrency}/${i}` })));
    const snaps = await engine.waitFor(ids);
    expect(snaps.every((s) => s.state === 'done')).toBe(true);
  } finally {
    clearInterval(timer);
    await engine.dispose();
  }
  return peak;
}

describe('file slots', () => {
  it('a file of 1 MiB or less takes a quarter slot, anything bigger a whole one', () => {
    expect(slotOf(0)).toBe(0.25);
    expect(slotOf(SMALL_FILE_BYTES)).toBe(0.25);
    expect(slotOf(SMALL_FILE_BYTES + 1)).toBe(1);
  });

  it('with a limit of 1, small files go four at a time and big files one at a time', async () => {
    expect(await peakRunning(Array.from({ length: 12 }, () => 4096), 1)).toBe(4);
    expect(await peakRunning(Array.from({ length: 3 }, () => SMALL_FILE_BYTES + 4096), 1)).toBe(1);
  });
});
