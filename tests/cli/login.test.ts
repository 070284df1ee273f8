/**
 * `s3-drop login --profile P` against the loopback OIDC/SSO server: it prints the page and the code (opening
 * nothing), waits for the approval, writes the token where the AWS CLI and the SDKs read it, and exits 0; a
 * profile that does not use SSO, or one that does not exist, is a plain sentence and exit 2.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpSsoConfig, startSsoServer, type SsoServer } from '../main/services/profiles/sso-server';
import { s3Info } from '../support/s3-test-client';
import { ensureBuiltCli, nodeBin, runCli, waitUntil } from '../support/serve';

let sso: SsoServer;
let cli: string;
const home = mkdtempSync(join(tmpdir(), 's3drop-login-'));
let env: Record<string, string>;

beforeAll(async () => {
  cli = ensureBuiltCli();
  const info = s3Info();
  sso = await startSsoServer({ accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, sessionToken: 'login-session-token' });
  mkdirSync(join(home, '.aws'));
  writeFileSync(
    join(home, '.aws', 'config'),
    [...corpSsoConfig(['region = us-east-1']), '[profile plain]', 'region = us-east-1', ''].join('\n'),
  );
  writeFileSync(join(home, '.aws', 'credentials'), '[plain]\naws_access_key_id = AKIAPLAINPLAIN\naws_secret_access_key = plain-secret\n');
  env = {
    HOME: home,
    S3DROP_DATA_DIR: join(home, 'data'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint,
    AWS_ENDPOINT_URL_SSO: sso.endpoint,
  };
});
afterAll(async () => {
  await sso?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('s3-drop login', () => {
  it('prints the page and the code, waits for the approval, saves the token and exits 0', async () => {
    const child = spawn(nodeBin, [cli, 'login', '--profile', 'corp'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitUntil(() => /Waiting for the sign-in/.test(stdout) || child.exitCode !== null);
    expect(stdout).toContain('To sign in to "corp", open this page in a web browser:');
    expect(stdout).toContain('check that it shows this code: WXYZ-1234');
    const url = /^\s+(http:\/\/\S+)$/m.exec(stdout)?.[1];
    expect(url).toBe(`${sso.endpoint}/verify?user_code=WXYZ-1234`);
    // Nothing was opened: the server saw no visit to the page before ours.
    expect(sso.calls).not.toContain('/verify');
    await fetch(url!);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('Signed in to "corp".');
    const cache = JSON.parse(readFileSync(join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp-session').digest('hex')}.json`), 'utf8')) as {
      accessToken: string;
      startUrl: string;
    };
    expect(cache.startUrl).toBe('https://corp.example/start');
    expect(cache.accessToken).toMatch(/^sso-access-token-/);
  }, 60_000);

  it('refuses a profile that does not use SSO, and one that does not exist, in one sentence with exit 2', async () => {
    const plain = await runCli(['login', '--profile', 'plain'], env);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('plain');
    expect(plain.stderr).toContain('does not use SSO');
    const missing = await runCli(['login', '--profile', 'nobody'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nobody');
    expect(`${plain.stderr}${missing.stderr}`).not.toMatch(/\n\s+at /);
  }, 60_000);
});
