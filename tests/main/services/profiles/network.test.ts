/** Corporate networks: a TLS-inspecting gateway (custom CA) and an HTTPS proxy, in front of the real S3 server. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { s3Info } from '../../../support/s3-test-client';
import { makeDeps, noAwsFilesEnv, tempDir } from './helpers';
import { makeCertificates, startConnectProxy, startTlsFront } from './tls-tools';

let certs: ReturnType<typeof makeCertificates>;
let front: Awaited<ReturnType<typeof startTlsFront>>;
let proxy: Awaited<ReturnType<typeof startConnectProxy>>;

beforeAll(async () => {
  certs = makeCertificates();
  front = await startTlsFront(s3Info().endpoint, certs);
  proxy = await startConnectProxy();
});
afterAll(async () => {
  await front.close();
  await proxy.close();
});

const noFiles = noAwsFilesEnv();

async function appProfile(env: Record<string, string | undefined>) {
  const info = s3Info();
  const service = new ProfileService(makeDeps(env), new MemorySecretStore(), { watch: false });
  await service.add({ name: 'corp', accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, preset: 'custom', endpoint: front.endpoint, region: info.region });
  return service;
}

describe('corporate networks', () => {
  it('says the certificate is not trusted when the company CA is not configured', async () => {
    const service = await appProfile(noFiles);
    try {
      await expect(service.test('app:corp')).rejects.toMatchObject({ code: 'TLS_UNTRUSTED', params: { endpoint: front.endpoint } });
    } finally {
      service.dispose();
    }
  });

  it('trusts the company CA from AWS_CA_BUNDLE', async () => {
    const service = await appProfile({ ...noFiles, AWS_CA_BUNDLE: certs.caFile });
    try {
      const resolved = await service.resolve('app:corp');
      expect(resolved.caBundle).toBe(certs.ca);
      expect(resolved.requestHandler).toBeDefined();
      expect((await service.test('app:corp')).ok).toBe(true);
    } finally {
      service.dispose();
    }
  });

  it('trusts the company CA from ca_bundle in the profile', async () => {
    const info = s3Info();
    const dir = tempDir('s3drop-ca-profile-');
    writeFileSync(join(dir, 'config'), `[profile corp]\nendpoint_url = ${front.endpoint}\nregion = ${info.region}\nca_bundle = ${certs.caFile}\n`);
    writeFileSync(join(dir, 'credentials'), `[corp]\naws_access_key_id = ${info.accessKeyId}\naws_secret_access_key = ${info.secretAccessKey}\n`);
    const service = new ProfileService(makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') }), new MemorySecretStore(), { watch: false });
    try {
      expect((await service.resolve('aws:corp')).caBundle).toBe(certs.ca);
      expect((await service.test('aws:corp')).ok).toBe(true);
    } finally {
      service.dispose();
    }
  });

  it('says plainly when the ca_bundle file is missing', async () => {
    const service = await appProfile({ ...noFiles, AWS_CA_BUNDLE: '/nonexistent/corp-ca.pem' });
    try {
      await expect(service.resolve('app:corp')).rejects.toMatchObject({ code: 'CONFIG_SYNTAX', params: { file: '/nonexistent/corp-ca.pem' } });
    } finally {
      service.dispose();
    }
  });

  it('goes through HTTPS_PROXY, and around it for NO_PROXY hosts', async () => {
    const through = await appProfile({ ...noFiles, AWS_CA_BUNDLE: certs.caFile, HTTPS_PROXY: proxy.url });
    try {
      expect((await through.resolve('app:corp')).proxyEnv).toEqual({ HTTPS_PROXY: proxy.url });
      expect((await through.test('app:corp')).ok).toBe(true);
      expect(proxy.tunnels).toContain(`127.0.0.1:${front.port}`);
    } finally {
      through.dispose();
    }
    const before = proxy.tunnels.length;
    const around = await appProfile({ ...noFiles, AWS_CA_BUNDLE: certs.caFile, https_proxy: proxy.url, no_proxy: '127.0.0.1' });
    try {
      expect((await around.test('app:corp')).ok).toBe(true);
      expect(proxy.tunnels.length).toBe(before);
    } finally {
      around.dispose();
    }
  });
});
