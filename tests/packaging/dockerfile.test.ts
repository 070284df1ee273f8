/**
 * The container: the Dockerfile's stages, user and entrypoint, every path it copies, a .dockerignore that
 * keeps secrets out, and the CLI run exactly as the container runs it (`node out/cli/index.js sync --once`
 * from /app with the container's environment) against the test S3 server. No Docker engine runs here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import ignore from 'ignore';
import { afterAll, describe, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';

const root = join(import.meta.dirname, '../..');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  image: string;
  name?: string;
  steps: Instruction[];
}

/** Parses a Dockerfile into stages (line continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ image: m[1]!, name: m[2], steps: [] });
    } else stages.at(-1)?.steps.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1)!;
const copies = (stage: Stage) => stage.steps.filter((s) => s.op === 'COPY').map((s) => s.args.split(/\s+/));

describe('Dockerfile', () => {
  it('is multi-stage on node:24-slim and runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toBe('node:24-slim');
    const user = final.steps.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('has the CLI as its entrypoint, and that file is what the build produces', () => {
    const entry = JSON.parse(final.steps.find((s) => s.op === 'ENTRYPOINT')!.args) as string[];
    // Node starts with the same flags as the bin's shebang (the young generation is bounded only at start-up).
    const flags = JSON.parse(/const CLI_NODE_FLAGS = (\[[^\]]*\])/.exec(readFileSync(join(root, 'scripts/build.mjs'), 'utf8'))![1]!.replace(/'/g, '"')) as string[];
    expect(flags.length).toBeGreaterThan(0);
    expect(entry).toEqual(['node', ...flags, 'out/cli/index.js']);
    const workdir = final.steps.filter((s) => s.op === 'WORKDIR').at(-1)!.args;
    expect(workdir).toBe('/app');
    // The build script turns src/cli/index.ts into out/cli/index.js.
    const build = readFileSync(join(root, 'scripts/build.mjs'), 'utf8');
    expect(build).toContain("'src/cli/index.ts'");
    expect(build).toContain("join(out, 'cli')");
    expect(existsSync(join(root, 'src/cli/index.ts'))).toBe(true);
    // The final image copies the entry's folder in.
    expect(copies(final).some((c) => c.includes('/app/out/cli'))).toBe(true);
  });

  it('every path copied from the build context exists and is not excluded by .dockerignore', () => {
    const ig = ignore().add(readFileSync(join(root, '.dockerignore'), 'utf8'));
    const fromContext = stages.flatMap(copies).filter((c) => !c.some((a) => a.startsWith('--from=')));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const args of fromContext) {
      for (const src of args.filter((a) => !a.startsWith('--')).slice(0, -1)) {
        expect(existsSync(join(root, src)), src).toBe(true);
        expect(ig.ignores(src), `${src} is excluded by .dockerignore`).toBe(false);
      }
    }
  });

  it('copies between stages only from stages that exist and paths that stage makes', () => {
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    for (const args of stages.flatMap(copies).filter((c) => c.some((a) => a.startsWith('--from=')))) {
      const from = args.find((a) => a.startsWith('--from='))!.slice('--from='.length);
      expect(names.has(from), from).toBe(true);
      const src = args.filter((a) => !a.startsWith('--'))[0]!;
      expect(src.startsWith('/app/'), src).toBe(true);
      const made = ['/app/node_modules', '/app/package.json', '/app/out/cli', '/app/out/renderer'];
      expect(made, src).toContain(src);
    }
    // The renderer for `s3-drop serve` is built by Vite into out/renderer.
    expect(readFileSync(join(root, 'vite.config.ts'), 'utf8')).toContain('out/renderer');
  });

  it('bakes no credentials in, and .dockerignore keeps local secrets and state out of the context', () => {
    const setsVars = stages.flatMap((s) => s.steps).filter((s) => s.op === 'ENV' || s.op === 'ARG');
    expect(setsVars.length).toBeGreaterThan(0);
    for (const s of setsVars) expect(s.args).not.toMatch(/AWS_|SECRET|TOKEN|PASSWORD/i);
    expect(copies(final).flat().join(' ')).not.toMatch(/\.aws|credentials/);
    const ig = ignore().add(readFileSync(join(root, '.dockerignore'), 'utf8'));
    for (const p of ['node_modules/x', 'out/cli/index.js', '.aws/credentials', '.env', '.git/config', 'dist/app.AppImage']) expect(ig.ignores(p), p).toBe(true);
  });
});

describe('the CLI as the container runs it', () => {
  const work = mkdtempSync(join(tmpdir(), 's3drop-container-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const node = join(root, 'node_modules/.bin/node');
  const cli = join(root, 'out/cli/index.js');
  // The container's ENV lines, plus what `docker run -e …` passes; nothing inherited from this shell.
  const containerEnv = (extra: Record<string, string>) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(work, 'home') };
    for (const s of final.steps.filter((x) => x.op === 'ENV')) for (const m of s.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
    env.S3DROP_DATA_DIR = join(work, 'state');
    return { ...env, ...extra };
  };
  // Node's arguments as the ENTRYPOINT gives them (its flags, then the CLI).
  const entryArgs = (JSON.parse(final.steps.find((s) => s.op === 'ENTRYPOINT')!.args) as string[]).slice(1).map((a) => (a === 'out/cli/index.js' ? cli : a));
  const run = (args: string[], env: Record<string, string>) => spawnSync(node, [...entryArgs, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });

  it('upload --json sends a mounted folder with credentials from the environment (the entrypoint works today)', async (ctx) => {
    if (!existsSync(cli) || run(['--help'], containerEnv({})).status !== 0) ctx.skip();
    const info = s3Info();
    const client = rawClient(info);
    const bucket = await freshBucket(client, 'container-up');
    const data = join(work, 'updata');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'report.txt'), 'uploaded from /data\n');
    const env = containerEnv({ AWS_ACCESS_KEY_ID: info.accessKeyId, AWS_SECRET_ACCESS_KEY: info.secretAccessKey, AWS_REGION: info.region, AWS_ENDPOINT_URL_S3: info.endpoint });
    const result = run(['upload', data, `s3://${bucket}/landing`, '--json'], env);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { uploaded: number; failed: number };
    expect(summary).toMatchObject({ uploaded: 1, failed: 0 });
    // A folder keeps its name in the keys.
    expect((await getObjectBytes(client, bucket, 'landing/updata/report.txt')).toString()).toBe('uploaded from /data\n');
    expect(result.stdout + result.stderr).not.toContain(info.secretAccessKey);
    // State (journal, logs) went to the container's /state volume, not the image.
    expect(existsSync(join(work, 'state'))).toBe(true);
  });

  it('sync --once uploads a mounted folder with credentials from the environment', async (ctx) => {
    if (!existsSync(cli) || run(['--help'], containerEnv({})).status !== 0) ctx.skip();
    if (run(['sync', '--help'], containerEnv({})).status !== 0) ctx.skip();
    const info = s3Info();
    const client = rawClient(info);
    const bucket = await freshBucket(client, 'container');
    const data = join(work, 'data');
    mkdirSync(join(data, 'sub'), { recursive: true });
    writeFileSync(join(data, 'a.txt'), 'alpha from the container\n');
    writeFileSync(join(data, 'sub', 'b.csv'), 'id,name\n1,beta\n');
    const env = containerEnv({
      AWS_ACCESS_KEY_ID: info.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.secretAccessKey,
      AWS_REGION: info.region,
      AWS_ENDPOINT_URL_S3: info.endpoint,
    });
    const result = run(['sync', '--once', data, `s3://${bucket}/landing`], env);
    expect(result.status, result.stderr).toBe(0);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const aKey = keys.find((k) => k.startsWith('landing/') && k.endsWith('a.txt'));
    const bKey = keys.find((k) => k.startsWith('landing/') && k.endsWith('sub/b.csv'));
    expect(aKey, keys.join(', ')).toBeDefined();
    expect(bKey, keys.join(', ')).toBeDefined();
    expect((await getObjectBytes(client, bucket, aKey!)).toString()).toBe('alpha from the container\n');
    expect((await getObjectBytes(client, bucket, bKey!)).toString()).toBe('id,name\n1,beta\n');
    // The secret never appears in what the CLI printed or in the state it left behind.
    expect(result.stdout + result.stderr).not.toContain(info.secretAccessKey);
  });
});
