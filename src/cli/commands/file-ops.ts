/**
 * `s3-drop ls`, `s3-drop rm` and `s3-drop mv`: the file manager's engine (s3/file-ops.ts, the same service the app
 * calls) on the command line, with upload's exit codes (0 done, 1 some keys failed, 2 usage or configuration) and
 * its one-line `--json` summaries.
 */
import { parseArgs } from 'node:util';
import type { Engine } from '../../main/services/engine';
import { listPrefix, prefixHasObjects } from '../../main/services/s3/objects';
import type { KeyFailure } from '../../shared/contract';
import { AppError, errorText } from '../../shared/errors';
import { EXIT, printable, usageError, type CliIo } from '../cli-io';
import { buildCliServices, engineEnv } from '../cli-services';
import { chooseProfileId } from '../profile-choice';
import { parseS3KeyUrl, parseS3ObjectUrl, parseS3Url } from '../s3-url';
import { readLine } from './profiles';

const commonOptions = `  --profile P          the profile to use (default: AWS_PROFILE, the AWS_* keys, or "default")
  --endpoint URL       an S3-compatible endpoint (MinIO, R2, Ceph…); same as AWS_ENDPOINT_URL_S3
  --json               print one JSON line on stdout instead of text
  --debug              show technical details and stack traces
  -h, --help           show this help`;

/** `ls --help`. */
export const lsHelp = `Usage: s3-drop ls s3://bucket[/folder] [options]

Lists a bucket folder: its sub-folders (PRE) and objects with their date and size.

Options:
  --recursive          list every object under the folder, at any depth
${commonOptions}

Exit codes: 0 listed, 2 usage or configuration error.
`;

/** `rm --help`. */
export const rmHelp = `Usage: s3-drop rm s3://bucket/key
       s3-drop rm --recursive s3://bucket/folder/ [--yes]

Deletes an object, or with --recursive everything in a folder. On a bucket that keeps versions, deleted
objects can be restored in the app; otherwise the delete is permanent. A recursive delete first says how
many objects it will delete and asks; add --yes to skip the question (needed when no one is at a terminal).

Options:
  --recursive          delete the folder and everything in it
  --yes                do not ask before a recursive delete
${commonOptions}

Exit codes: 0 deleted, 1 some objects could not be deleted, 2 usage or configuration error.
`;

/** `mv --help`. */
export const mvHelp = `Usage: s3-drop mv s3://bucket/from s3://bucket/to [options]

Renames or moves an object, or with --recursive a folder, within a bucket or to another bucket of the
same profile. Each object is copied with its metadata, checked, and only then removed from the old name,
so a failure leaves every object at its old or its new name. A destination ending in / keeps the name.

Options:
  --recursive          move a folder and everything in it
  --overwrite          replace objects that already exist at the new name (otherwise nothing moves)
${commonOptions}

Exit codes: 0 moved, 1 some objects could not be moved (they are still at the old name), 2 usage or
configuration error.
`;

/** The switches of ls, rm and mv; each command accepts only its own (an unknown one is a usage error). */
const switches = {
  recursive: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  overwrite: { type: 'boolean', default: false },
} as const;

/** The options every one of these commands takes, plus its own switches. */
function parse(args: string[], own: readonly (keyof typeof switches)[]) {
  const options = {
    profile: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'boolean', default: false },
    debug: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    ...switches,
  } as const;
  const allowed = Object.fromEntries(Object.entries(options).filter(([name]) => !(name in switches) || (own as readonly string[]).includes(name)));
  // Typed as if every switch were allowed: parseArgs refuses the others before any is read.
  return parseArgs({ args, allowPositionals: true, strict: true, options: allowed as typeof options });
}

type Parsed = ReturnType<typeof parse>;

/** Builds the engine, picks the profile, runs `fn`, and always disposes the engine. */
async function withEngine(command: string, values: Parsed['values'], io: CliIo, fn: (services: Engine, profileId: string) => Promise<number>): Promise<number> {
  const env = engineEnv(io.env, command, values.endpoint);
  const { services } = await buildCliServices(env, { debug: io.debug, logFile: 's3-drop-cli.log', io });
  try {
    const profileId = await chooseProfileId(services.profiles, env, values.profile);
    return await fn(services, profileId);
  } finally {
    await services.dispose();
  }
}

/** Writes each key that failed, one plain line each, to stderr. */
function reportFailures(io: CliIo, failed: readonly KeyFailure[]): void {
  for (const f of failed) io.stderr.write(`failed: ${printable(f.key)}: ${printable(errorText(f.error.code, 'en', f.error.params))}\n`);
}

const seconds = (started: number) => Math.round(Date.now() - started) / 1000;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Runs `ls`; returns the exit code. */
export async function runLsCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(args, ['recursive']);
  if (values.help) {
    io.stdout.write(lsHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw usageError('ls', 'Give one bucket address, such as s3://bucket/folder');
  const { bucket, prefix } = parseS3Url(positionals[0]!);
  return withEngine('ls', values, io, async (services, profileId) => {
    if (values.recursive) {
      const ctx = await services.clients.forProfile(profileId);
      const listed = [...(await listPrefix(ctx, bucket, prefix, signal, { markers: true }))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (values.json) io.stdout.write(JSON.stringify(listed.map(([rel, o]) => ({ key: prefix + rel, size: o.size }))) + '\n');
      else for (const [rel, o] of listed) io.stdout.write(`${String(o.size).padStart(14)} ${printable(prefix + rel)}\n`);
      return EXIT.ok;
    }
    const entries = [];
    let token: string | undefined;
    do {
      const page = await services.buckets.listObjects(profileId, bucket, prefix, token);
      entries.push(...page.entries);
      token = page.nextToken;
    } while (token && !signal.aborted);
    if (signal.aborted) return EXIT.interrupted;
    if (values.json) io.stdout.write(JSON.stringify(entries) + '\n');
    else
      for (const e of entries) {
        if (e.kind === 'folder') io.stdout.write(`${'PRE'.padStart(34)} ${printable(e.name)}/\n`);
        else io.stdout.write(`${(e.lastModified ?? '').replace('T', ' ').slice(0, 19).padEnd(19)} ${String(e.size ?? 0).padStart(14)} ${printable(e.name)}\n`);
      }
    return EXIT.ok;
  });
}

/** Asks on the terminal; true only for an answer starting with y. */
async function confirm(io: CliIo, question: string): Promise<boolean> {
  const answer = await readLine(io.stdin as NodeJS.ReadStream, io.stderr, `${question} [y/N] `);
  return /^\s*y/i.test(answer);
}

/**
 * The object or folder an rm/mv acts on: with --recursive always a folder (`name/`); without it, a folder address
 * is a usage error, and the whole bucket is never a source.
 */
function sourceOf(command: 'rm' | 'mv', raw: string, recursive: boolean): { bucket: string; key: string } {
  const { bucket, key } = parseS3ObjectUrl(raw);
  if (key === '') throw usageError(command, 'Name an object or a folder, such as s3://bucket/folder/; a whole bucket is not offered');
  if (recursive) return { bucket, key: key.endsWith('/') ? key : `${key}/` };
  if (key.endsWith('/')) throw needsRecursive(command, bucket, key);
  return { bucket, key };
}

/** The line for a folder named without --recursive, whether or not the address ended in '/'. */
function needsRecursive(command: 'rm' | 'mv', bucket: string, key: string): AppError {
  return new AppError(command === 'rm' ? 'FOLDER_NEEDS_RECURSIVE_RM' : 'FOLDER_NEEDS_RECURSIVE_MV', { key: key.replace(/\/+$/, ''), bucket });
}

/**
 * What to say when no object has the name: a folder written without its '/' (keys under `key/`, no object `key`)
 * is not missing, it only needs --recursive. The extra listing runs only on this failure path.
 */
async function notFound(services: Engine, profileId: string, command: 'rm' | 'mv', bucket: string, key: string, signal: AbortSignal): Promise<AppError> {
  const ctx = await services.clients.forProfile(profileId);
  if (!key.endsWith('/') && (await prefixHasObjects(ctx, bucket, `${key}/`, signal))) return needsRecursive(command, bucket, key);
  return new AppError('OBJECT_NOT_FOUND', { key, bucket });
}

/** Runs `rm`; returns the exit code. */
export async function runRmCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(args, ['recursive', 'yes']);
  if (values.help) {
    io.stdout.write(rmHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw usageError('rm', 'Give one address to delete, such as s3://bucket/file.txt');
  const { bucket, key } = sourceOf('rm', positionals[0]!, values.recursive);
  const started = Date.now();
  return withEngine('rm', values, io, async (services, profileId) => {
    const expanded = await services.fileOps.expand(profileId, bucket, [key], signal);
    if (expanded.size === 0) throw await notFound(services, profileId, 'rm', bucket, key, signal);
    if (values.recursive && !values.yes) {
      const bytes = [...expanded.values()].reduce((a, b) => a + b, 0);
      const what = `${plural(expanded.size, 'object')} (${bytes} bytes) under s3://${bucket}/${printable(key)}`;
      if (!(io.stdin as NodeJS.ReadStream).isTTY) throw usageError('rm', `This would delete ${what}, and no one can be asked here: add --yes to go ahead`);
      if (!(await confirm(io, `Delete ${what}?`))) {
        io.stderr.write('Nothing was deleted.\n');
        return EXIT.ok;
      }
    }
    const summary = await services.fileOps.delete(profileId, bucket, [key], signal, expanded);
    reportFailures(io, summary.failed);
    const out = { deleted: summary.deleted, failed: summary.failed.length, bytes: summary.bytes, permanent: summary.permanent, seconds: seconds(started) };
    if (values.json) io.stdout.write(JSON.stringify(out) + '\n');
    else
      io.stderr.write(
        `Deleted ${out.deleted}, failed ${out.failed} (${out.bytes} bytes). ${out.permanent ? 'The bucket keeps no versions, so this cannot be undone.' : 'The bucket keeps versions: the app can restore them (Recently deleted).'}\n`,
      );
    return out.failed > 0 ? EXIT.transfersFailed : EXIT.ok;
  });
}

/** Runs `mv`; returns the exit code. */
export async function runMvCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(args, ['recursive', 'overwrite']);
  if (values.help) {
    io.stdout.write(mvHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw usageError('mv', 'Give the address to move and where it goes, such as s3://bucket/a.txt s3://bucket/b.txt');
  const from = sourceOf('mv', positionals[0]!, values.recursive);
  const key = from.key;
  const to = parseS3KeyUrl(positionals[1]!);
  if (to.key === '' && values.recursive) throw usageError('mv', 'Name the folder to move it to, such as s3://bucket/new-folder/');
  const destKey = to.key === '' ? key.slice(key.lastIndexOf('/') + 1) : to.key;
  const started = Date.now();
  return withEngine('mv', values, io, async (services, profileId) => {
    const summary = await services.fileOps
      .move(profileId, from.bucket, key, destKey, {
        ...(to.bucket !== from.bucket ? { destBucket: to.bucket } : {}),
        overwrite: values.overwrite === true,
        signal,
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'OBJECT_NOT_FOUND') throw await notFound(services, profileId, 'mv', from.bucket, key, signal);
        // The app's "choose to replace it" is --overwrite here, except for a folder moved up onto one of its own keys,
        // which --overwrite cannot replace either (every key under the source folder is one being moved).
        const ownKey = to.bucket === from.bucket && key.endsWith('/') && String(err.params.key).startsWith(key);
        if (err.code === 'NAME_EXISTS' && !values.overwrite && !ownKey) throw new AppError('NAME_EXISTS_OVERWRITE', err.params, { cause: err });
        throw err;
      });
    if (signal.aborted) return EXIT.interrupted;
    reportFailures(io, summary.failed);
    const out = { moved: summary.moved, failed: summary.failed.length, bytes: summary.bytes, seconds: seconds(started) };
    if (values.json) io.stdout.write(JSON.stringify(out) + '\n');
    else io.stderr.write(`Moved ${out.moved}, failed ${out.failed} (${out.bytes} bytes).${out.failed > 0 ? ' The objects that failed are still at their old name.' : ''}\n`);
    return out.failed > 0 ? EXIT.transfersFailed : EXIT.ok;
  });
}
