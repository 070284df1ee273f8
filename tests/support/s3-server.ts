/**
 * Starts the S3 server the integration suite runs against, chosen by S3DROP_TEST_S3:
 * `s3rver` (default, runs anywhere), `rgw` (Ceph RGW from Debian, a production implementation),
 * `aws-proxy` (RGW behind the AWS-behaviour proxy: the app's own profiles are Amazon S3 ones, see `aws`),
 * or `external` (S3DROP_TEST_ENDPOINT, S3DROP_TEST_ACCESS_KEY_ID, S3DROP_TEST_SECRET_ACCESS_KEY,
 * S3DROP_TEST_REGION), the way rclone's test_all runs one suite over every backend.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { accessOf, startAwsProxy, type AwsProxyAccess } from './aws-proxy';

/** Which optional S3 features the server implements, so tests can skip what it cannot do. */
export interface S3Features {
  /** ListParts, AbortMultipartUpload and ListMultipartUploads. */
  multipartAdmin: boolean;
  /** SigV4 signatures are checked (wrong secrets are refused). */
  verifiesSignatures: boolean;
  versioning: boolean;
  lifecycle: boolean;
}

/** A running server, as tests see it (serialisable, so vitest's `provide` can pass it to workers). */
export interface S3ServerInfo {
  kind: 's3rver' | 'rgw' | 'external';
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  features: S3Features;
  /**
   * With S3DROP_TEST_S3=aws-proxy: how to reach the server as Amazon S3 through the AWS-behaviour proxy. The harness's
   * app profiles then have no endpoint (the engine's AWS branch); `endpoint` and the keys above stay the server's
   * own, for checking what landed without the proxy.
   */
  aws?: AwsProxyAccess;
}

/** A running server with its stop function. */
export interface RunningS3Server extends S3ServerInfo {
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

const root = resolve(import.meta.dirname, '../..');

/** Starts s3rver in a child process on a free loopback port. */
export async function startS3rver(): Promise<RunningS3Server> {
  const dir = mkdtempSync(join(tmpdir(), 's3drop-s3rver-'));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'tests/support/s3rver-main.cjs'), dir, '0'], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /"port":(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => rej(new Error(`s3rver exited (${code}): ${err}`)));
  });
  return {
    kind: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    features: { multipartAdmin: false, verifiesSignatures: false, versioning: false, lifecycle: false },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a throw-away Ceph RGW (mon + memstore OSD + radosgw) on free loopback ports. */
export async function startRgw(): Promise<RunningS3Server> {
  const base = mkdtempSync(join(tmpdir(), 's3drop-rgw-'));
  const port = await freePort();
  const monPort = await freePort();
  const env = {
    ...process.env,
    RGW_BASE: base,
    RGW_PORT: String(port),
    MON_PORT: String(monPort),
    MEMSTORE_BYTES: String(4 * 1024 ** 3),
    RGW_ACCESS_KEY: 'S3DROPTESTKEY0000001',
    RGW_SECRET_KEY: 's3droptestsecret000000000000000000000001',
  };
  await promisify(execFile)('bash', [join(root, 'tests/support/rgw/start-rgw.sh')], { env, timeout: 120_000 });
  return {
    kind: 'rgw',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: env.RGW_ACCESS_KEY,
    secretAccessKey: env.RGW_SECRET_KEY,
    features: { multipartAdmin: true, verifiesSignatures: true, versioning: true, lifecycle: true },
    async stop() {
      await promisify(execFile)('bash', [join(root, 'tests/support/rgw/stop-rgw.sh')], { env, timeout: 60_000 }).catch(() => {});
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Starts (or, for `external`, describes) the server chosen by S3DROP_TEST_S3. */
export async function startS3Server(kind = process.env.S3DROP_TEST_S3 ?? 's3rver'): Promise<RunningS3Server> {
  if (kind === 's3rver') return startS3rver();
  if (kind === 'rgw') return startRgw();
  if (kind === 'aws-proxy') {
    const rgw = await startRgw();
    const proxy = await startAwsProxy(rgw);
    return {
      ...rgw,
      aws: accessOf(proxy),
      async stop() {
        await proxy.stop();
        await rgw.stop();
      },
    };
  }
  if (kind === 'external') {
    const need = (k: string) => {
      const v = process.env[k];
      if (!v) throw new Error(`S3DROP_TEST_S3=external needs ${k}`);
      return v;
    };
    return {
      kind: 'external',
      endpoint: need('S3DROP_TEST_ENDPOINT'),
      region: process.env.S3DROP_TEST_REGION ?? 'us-east-1',
      accessKeyId: need('S3DROP_TEST_ACCESS_KEY_ID'),
      secretAccessKey: need('S3DROP_TEST_SECRET_ACCESS_KEY'),
      features: { multipartAdmin: true, verifiesSignatures: true, versioning: true, lifecycle: true },
      async stop() {},
    };
  }
  throw new Error(`unknown S3DROP_TEST_S3=${kind} (use s3rver, rgw, aws-proxy or external)`);
}
