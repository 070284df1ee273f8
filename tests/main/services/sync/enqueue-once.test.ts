import { describe, expect, it } from 'vitest';
import type { TransferSnapshot } from '../../../../src/shared/contract';
import { enqueueOnce } from '../../../../src/main/services/sync/executor';
import type { UploadRequest } from '../../../../src/main/services/transfers/types';

function snap(id: string, key: string, state: TransferSnapshot['state'], origin = 'sync:p1'): TransferSnapshot {
  return { id, name: key, bucket: 'b', key, profileId: 'env', state, bytesDone: 0, bytesTotal: 1, speed: 0, etaSeconds: null, priority: 0, createdAt: 0, origin };
}

function fakeEngine(existing: TransferSnapshot[]) {
  const enqueued: UploadRequest[] = [];
  return {
    enqueued,
    list: () => ({ transfers: existing, overall: { bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused: false } }),
    enqueue: (reqs: UploadRequest[]) => {
      enqueued.push(...reqs);
      return reqs.map((r) => `new:${r.key}`);
    },
  };
}

const req = (key: string, origin = 'sync:p1'): UploadRequest => ({ localPath: `/f/${key}`, profileId: 'env', bucket: 'b', key, origin });

describe('enqueueOnce (sync after a crash)', () => {
  it('reuses live transfers the journal restored and enqueues only the rest, keeping order', () => {
    const engine = fakeEngine([snap('t1', 'a', 'queued'), snap('t2', 'c', 'running'), snap('t3', 'd', 'waiting-auth')]);
    const ids = enqueueOnce(engine, [req('a'), req('b'), req('c'), req('d'), req('e')]);
    expect(ids).toEqual(['t1', 'new:b', 't2', 't3', 'new:e']);
    expect(engine.enqueued.map((r) => r.key)).toEqual(['b', 'e']);
  });

  it('does not reuse finished transfers, paused ones, or another origin’s', () => {
    const engine = fakeEngine([snap('t1', 'a', 'done'), snap('t2', 'b', 'failed'), snap('t3', 'c', 'paused'), snap('t4', 'd', 'queued', 'drop')]);
    const ids = enqueueOnce(engine, [req('a'), req('b'), req('c'), req('d')]);
    expect(ids).toEqual(['new:a', 'new:b', 'new:c', 'new:d']);
  });
});
