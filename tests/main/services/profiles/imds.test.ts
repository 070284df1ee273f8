/**
 * The default chain's instance role, served by a loopback IMDSv2 server (AWS_EC2_METADATA_SERVICE_ENDPOINT).
 * The SDK's chain reads process.env, so this file (its own worker process) sets it there.
 */
import { createServer, type Server } from 'node:http';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { listenLoopback, makeDeps, noAwsFilesEnv } from './helpers';

const TOKEN = 'imds-session-token-for-tests';
let server: Server;
const seen: string[] = [];

beforeAll(async () => {
  const info = s3Info();
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.writeHead(400).end();
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(TOKEN);
    }
    // IMDSv2 only: every read needs the session token.
    if (req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/iam/security-credentials/') return void res.writeHead(200).end('test-role');
    if (req.url === '/latest/meta-data/iam/security-credentials/test-role') {
      const body = {
        Code: 'Success',
        Type: 'AWS-HMAC',
        AccessKeyId: info.accessKeyId,
        SecretAccessKey: info.secretAccessKey,
        // The SDK requires a session token from IMDS; RGW would refuse an unknown one, s3rver ignores it.
        Token: 'imds-role-session-token',
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
        LastUpdated: new Date().toISOString(),
      };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    res.writeHead(404).end();
  });
  const port = await listenLoopback(server);
  for (const k of Object.keys(process.env)) if (/^AWS_/.test(k)) delete process.env[k];
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('instance role (IMDSv2)', () => {
  it('offers the default chain when nothing else exists, and signs requests with the role', async () => {
    const info = s3Info();
    const env = noAwsFilesEnv();
    const service = new ProfileService(makeDeps(env), new MemorySecretStore(), { watch: false });
    try {
      const list = await service.list();
      expect(list.map((p) => [p.id, p.kind])).toEqual([['instance', 'instance']]);
      const resolved = await service.resolve('instance');
      const creds = await resolved.credentials();
      expect(creds.accessKeyId).toBe(info.accessKeyId);
      expect(creds.expiration).toBeInstanceOf(Date);
      expect(seen[0]).toBe('PUT /latest/api/token');
      expect(seen).toContain('GET /latest/meta-data/iam/security-credentials/test-role');

      if (info.kind !== 's3rver') return;
      const client = new S3Client({
        region: info.region,
        endpoint: info.endpoint,
        forcePathStyle: true,
        credentials: resolved.credentials,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      const bucket = await freshBucket(rawClient());
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-instance-role', Body: 'imds' }));
      expect((await getObjectBytes(rawClient(), bucket, 'from-instance-role')).toString()).toBe('imds');
      client.destroy();
    } finally {
      service.dispose();
    }
  });
});
