import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MfaRequest } from '../../../../src/shared/contract';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createProfileHandlers } from '../../../../src/main/services/handlers/profiles';
import { MfaBroker } from '../../../../src/main/services/profiles/mfa-broker';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { startStsServer, type StsServer } from './sts-server';
import { makeDeps, tempDir } from './helpers';

let sts: StsServer;
beforeAll(async () => {
  sts = await startStsServer({ validCode: '123456', accessKeyId: 'ASIAASSUMEDROLE00001', secretAccessKey: 'assumedSecret/abcdefghijklmnopqrstuvwxyz' });
});
afterAll(() => sts.close());

function setup() {
  const dir = tempDir('s3drop-mfa-');
  writeFileSync(
    join(dir, 'config'),
    '[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n',
  );
  writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIASOURCEPROFILE001\naws_secret_access_key = sourceSecret/abcdefghijklmnopqrstuvwxyz0\n');
  const deps = makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL_STS: sts.endpoint });
  const service = new ProfileService(deps, new MemorySecretStore(), { watch: false });
  const dispatch = createDispatcher(createProfileHandlers(deps, service) as Handlers, deps.logger);
  const nextRequest = () => new Promise<MfaRequest>((resolve) => {
    const off = deps.events.on('profiles:mfaRequest', (r) => {
      off();
      resolve(r);
    });
  });
  return { deps, service, dispatch, nextRequest };
}

describe('MFA', () => {
  it('asks the UI for a code, says when it was wrong, asks again, and signs in', async () => {
    const { deps, service, dispatch, nextRequest } = setup();
    try {
      expect((await service.list()).find((p) => p.id === 'aws:admin')).toMatchObject({ kind: 'role', mfa: true });
      const resolved = await service.resolve('aws:admin');
      const first = nextRequest();
      const creds = resolved.credentials();
      const r1 = await first;
      expect(r1).toMatchObject({ profileId: 'aws:admin', mfaSerial: 'arn:aws:iam::123456789012:mfa/alice' });
      expect(r1.retry).toBeUndefined();
      const second = nextRequest();
      expect(await dispatch('profiles:mfaAnswer', { requestId: r1.requestId, code: '000000' })).toEqual({ ok: true, value: undefined });
      const r2 = await second;
      expect(r2.retry).toBe(true);
      expect(deps.eventLog.some((e) => e.name === 'app:notice' && (e.payload as { error?: { code: string } }).error?.code === 'MFA_INVALID')).toBe(true);
      await dispatch('profiles:mfaAnswer', { requestId: r2.requestId, code: '123456' });
      expect((await creds).accessKeyId).toBe('ASIAASSUMEDROLE00001');
      const assumes = sts.requests.filter((r) => r.Action === 'AssumeRole');
      expect(assumes.map((r) => r.TokenCode)).toEqual(['000000', '123456']);
      // Fresh credentials are reused: no third question.
      await resolved.credentials();
      expect(sts.requests.filter((r) => r.Action === 'AssumeRole')).toHaveLength(2);
      // An answer to a question that no longer exists is refused plainly.
      expect(await dispatch('profiles:mfaAnswer', { requestId: r2.requestId, code: '123456' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      // A code that is not 6 digits never reaches the engine.
      expect(await dispatch('profiles:mfaAnswer', { requestId: r2.requestId, code: '12a456' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    } finally {
      service.dispose();
    }
  });

  it('cancelling the question ends with a plain error', async () => {
    const { service, dispatch, nextRequest } = setup();
    try {
      const resolved = await service.resolve('aws:admin');
      const q = nextRequest();
      const creds = resolved.credentials();
      await dispatch('profiles:mfaAnswer', { requestId: (await q).requestId, code: null });
      await expect(creds).rejects.toMatchObject({ code: 'MFA_REQUIRED' });
    } finally {
      service.dispose();
    }
  });

  it('uses a prompt hook instead of the UI (the CLI), and gives up after three wrong codes', async () => {
    const { deps, service } = setup();
    try {
      const asked: boolean[] = [];
      service.setMfaPrompt(async (req) => {
        asked.push(Boolean(req.retry));
        return '999999';
      });
      await expect((await service.resolve('aws:admin')).credentials()).rejects.toMatchObject({ code: 'MFA_INVALID' });
      expect(asked).toEqual([false, true, true]);
      expect(deps.eventLog.filter((e) => e.name === 'profiles:mfaRequest')).toHaveLength(0);
    } finally {
      service.dispose();
    }
  });

  it('gives up with a plain error when nobody answers', async () => {
    const deps = makeDeps({});
    const broker = new MfaBroker(deps.events, 50);
    await expect(broker.ask('aws:admin', 'arn:aws:iam::1:mfa/a', false)).rejects.toMatchObject({ code: 'MFA_REQUIRED', params: { profile: 'admin' } });
    expect(broker.waiting()).toEqual([]);
  });

  it('tests an AWS connection with GetCallerIdentity and says who you are', async () => {
    const { service } = setup();
    try {
      expect(await service.test('aws:default')).toEqual({ ok: true, account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' });
    } finally {
      service.dispose();
    }
  });
});
