/**
 * Cancelling the MFA question is the person choosing not to sign in: the sign-in ends at once with MFA_REQUIRED,
 * with no "code refused" notice and no further question (a refused code is different: it is asked again).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MfaRequest } from '../../../../src/shared/contract';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createProfileHandlers } from '../../../../src/main/services/handlers/profiles';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { startStsServer, type StsServer } from './sts-server';
import { makeDeps, tempDir } from './helpers';

let sts: StsServer;
beforeAll(async () => {
  sts = await startStsServer({ validCode: '123456', accessKeyId: 'ASIAASSUMEDROLE00002', secretAccessKey: 'assumedSecret/abcdefghijklmnopqrstuvwxyz' });
});
afterAll(() => sts.close());

/** Profile names people really use: "MFA" in the name must not make a cancel look like a refused code. */
const names = ['admin', 'prod-mfa'];

function setup(name: string) {
  const dir = tempDir('s3drop-mfa-cancel-');
  writeFileSync(
    join(dir, 'config'),
    `[default]\nregion = us-east-1\n\n[profile ${name}]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\n`,
  );
  writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIASOURCEPROFILE001\naws_secret_access_key = sourceSecret/abcdefghijklmnopqrstuvwxyz0\n');
  const deps = makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL_STS: sts.endpoint });
  const service = new ProfileService(deps, new MemorySecretStore(), { watch: false });
  const dispatch = createDispatcher(createProfileHandlers(deps, service) as Handlers, deps.logger);
  // Answers every question the UI would see, in order, with the next scripted answer (null = Cancel).
  const answers: (string | null)[] = [];
  const asked: MfaRequest[] = [];
  deps.events.on('profiles:mfaRequest', (r) => {
    asked.push(r);
    const code = answers.length > 0 ? answers.shift()! : null;
    void dispatch('profiles:mfaAnswer', { requestId: r.requestId, code });
  });
  const refusedNotices = () => deps.eventLog.filter((e) => e.name === 'app:notice' && (e.payload as { error?: { code: string } }).error?.code === 'MFA_INVALID');
  return { service, answers, asked, refusedNotices };
}

describe.each(names)('cancelling MFA for "%s"', (name) => {
  it('ends at once with MFA_REQUIRED after one question, with no "code refused" notice', async () => {
    const { service, answers, asked, refusedNotices } = setup(name);
    try {
      answers.push(null);
      const before = sts.requests.length;
      await expect((await service.resolve(`aws:${name}`)).credentials()).rejects.toMatchObject({ code: 'MFA_REQUIRED', params: { profile: name } });
      expect(asked).toHaveLength(1);
      expect(refusedNotices()).toHaveLength(0);
      // No code was sent to STS for a cancelled question.
      expect(sts.requests.slice(before).filter((r) => r.Action === 'AssumeRole')).toHaveLength(0);
    } finally {
      service.dispose();
    }
  });

  it('after a refused code, cancelling the second question stops there', async () => {
    const { service, answers, asked, refusedNotices } = setup(name);
    try {
      answers.push('000000', null);
      await expect((await service.resolve(`aws:${name}`)).credentials()).rejects.toMatchObject({ code: 'MFA_REQUIRED' });
      expect(asked.map((r) => Boolean(r.retry))).toEqual([false, true]);
      expect(refusedNotices()).toHaveLength(1);
    } finally {
      service.dispose();
    }
  });

  it('a terminal prompt that is cancelled (the CLI) is asked once', async () => {
    const { service, refusedNotices } = setup(name);
    try {
      let prompts = 0;
      service.setMfaPrompt(async () => {
        prompts++;
        return null;
      });
      await expect((await service.resolve(`aws:${name}`)).credentials()).rejects.toMatchObject({ code: 'MFA_REQUIRED' });
      expect(prompts).toBe(1);
      expect(refusedNotices()).toHaveLength(0);
    } finally {
      service.dispose();
    }
  });
});
