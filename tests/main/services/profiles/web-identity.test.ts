/**
 * Web identity profiles (role_arn + web_identity_token_file) through fromIni, against the loopback STS.
 * The SDK's web-identity STS client takes its endpoint from process.env only, so this file sets it there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { makeDeps, tempDir } from './helpers';
import { startStsServer, type StsServer } from './sts-server';

let sts: StsServer;
beforeAll(async () => {
  sts = await startStsServer({ validCode: '123456', accessKeyId: 'ASIAWEBIDENTITY00001', secretAccessKey: 'webSecret/abcdefghijklmnopqrstuvwxyz01', webIdentityToken: 'eyJ.oidc.token' });
  process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
});
afterAll(() => sts.close());

function setup(token: string) {
  const dir = tempDir('s3drop-webid-');
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(join(dir, 'config'), `[profile web]\nrole_arn = arn:aws:iam::123456789012:role/Web\nweb_identity_token_file = ${join(dir, 'token')}\nregion = us-east-1\n`);
  const deps = makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL_STS: sts.endpoint });
  return new ProfileService(deps, new MemorySecretStore(), { watch: false });
}

describe('web identity', () => {
  it('assumes the role with the token from the file', async () => {
    const service = setup('eyJ.oidc.token');
    try {
      expect((await service.list())[0]).toMatchObject({ id: 'aws:web', kind: 'web-identity' });
      const creds = await (await service.resolve('aws:web')).credentials();
      expect(creds.accessKeyId).toBe('ASIAWEBIDENTITY00001');
      expect(sts.requests.at(-1)).toMatchObject({ Action: 'AssumeRoleWithWebIdentity', RoleArn: 'arn:aws:iam::123456789012:role/Web' });
    } finally {
      service.dispose();
    }
  });

  it('says plainly when the token is refused', async () => {
    const service = setup('stale-token');
    try {
      await expect((await service.resolve('aws:web')).credentials()).rejects.toMatchObject({ code: 'NO_CREDENTIALS', params: { profile: 'web' } });
    } finally {
      service.dispose();
    }
  });
});
