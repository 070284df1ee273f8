/**
 * `s3-drop upload <path>... s3://bucket[/prefix]`: the same engine and the same folder expansion as a
 * drop on the window ('transfers:enqueue' through the dispatcher), a TTY progress bar, exit codes,
 * and a resumable run (the engine's journal brings back what Ctrl-C interrupted).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from '../../main/services/engine';
import { toAppError } from '../../main/services/s3/errors';
import { listObjectsPage } from '../../main/services/s3/objects';
import { expandItems } from '../../main/services/handlers/transfers';
import type { TransferEngine, UploadRequest } from '../../main/services/transfers/types';
import { tagKeySchema, tagsSchema, tagValueSchema, uploadOptionsSchema, type LeftOut, type TransferDirection, type TransferSnapshot, type UploadOptions } from '../../shared/contract/transfers';
import { AppError } from '../../shared/errors';
import { EXIT, leftFileOut, leftOutText, printable, problemLine, typedPathError, usageError, type CliIo, type TransferSummary } from '../cli-io';
import { buildCliServices, CLI_NETWORK_WAIT_MS, engineEnv } from '../cli-services';
import { chooseProfileId } from '../profile-choice';
import { FINAL_STATES, ProgressBar } from '../progress';
import { parseS3Url } from '../s3-url';
import { retryLine } from '../server-wait';

/** `upload --help`. */
export const uploadHelp = `Usage: s3-drop upload <path>... s3://bucket[/prefix] [options]

Uploads files and folders. A folder keeps its name in the keys, as dropping it on the window does.
Press Ctrl-C to stop; run the same command again to continue where it left off.

Options:
  --profile P          the profile to use (default: AWS_PROFILE, the AWS_* keys, or "default")
  --endpoint URL       an S3-compatible endpoint (MinIO, R2, Ceph…); same as AWS_ENDPOINT_URL_S3
  --concurrency N      files uploaded at the same time (1-64)
  --part-size MiB      multipart part size in MiB (5-5120)
  --storage-class C    STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE
  --include-junk       also upload the system files folders collect (.DS_Store, Thumbs.db, desktop.ini, ~$ lock files)
  --exclude PATTERN    leave out matching files (gitignore syntax, e.g. "*.tmp" or "raw/"); repeat for more
  --tag KEY=VALUE      tag each object (at most 10 tags); repeat for more
  --retry-for SECONDS  how long to keep trying when the storage service stops answering (default ${CLI_NETWORK_WAIT_MS / 1000})
  --json               end with one JSON summary line on stdout
  --debug              show technical details and stack traces
  -h, --help           show this help

An object that already exists is replaced, unless the app's setting for same-name files is "Skip if identical" or
"Keep both" (its "Ask" is for the window: here nobody may be there to answer, so the file replaces the object).

In a folder, a file the bucket cannot take (a name with an invisible character, such as macOS's "Icon" files),
a link to a place outside the folder and a broken link are left out and listed; links inside the folder are followed.

Two different files that would get the same name in the bucket (two folders with the same name, say): the first
is sent and the other is left out and listed, or with "Keep both" saved as "name (1).ext". The same file given
twice is sent once.

Exit codes: 0 all uploaded, 1 some uploads failed or files were left out for a problem, 2 usage or configuration error.
`;

const storageClasses = uploadOptionsSchema.shape.storageClass.unwrap().options;

/** Parses repeated --tag KEY=VALUE into tags S3 accepts, or throws a usage error saying which rule one breaks. */
export function tagOptions(raw: string[]): Record<string, string> | undefined {
  if (raw.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const t of raw) {
    const eq = t.indexOf('=');
    if (eq < 0) throw new AppError('TAG_NOT_KEY_VALUE', { tag: t });
    if (eq === 0) throw usageError('upload', `--tag needs KEY=VALUE, and "${printable(t)}" has no key`);
    const key = tagKeySchema.safeParse(t.slice(0, eq));
    const value = tagValueSchema.safeParse(t.slice(eq + 1));
    // Key and value on their own first: the record's own error would only say "invalid key".
    for (const r of [key, value]) if (!r.success) throw usageError('upload', `--tag ${printable(t)}: ${r.error.issues[0]?.message ?? 'not a tag S3 accepts'}`);
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  const parsed = tagsSchema.safeParse(tags);
  if (!parsed.success) throw usageError('upload', `--tag: ${parsed.error.issues[0]?.message ?? 'not a tag S3 accepts'}`);
  return parsed.data;
}

/** Parses an integer option within bounds, or throws a usage error naming it (and the command, `upload` by default). */
export function intOption(raw: string | undefined, name: string, min: number, max: number, command = 'upload'): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(command, `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** Checks every local path before anything starts, so a typo never leaves a half-done batch. */
function checkLocalPaths(paths: string[]): string[] {
  return paths.map((p) => {
    const full = resolve(p);
    try {
      const st = statSync(full);
      if (!st.isFile() && !st.isDirectory()) throw new AppError('NOT_A_FILE', { path: p });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw typedPathError(toAppError(err, { path: p }), p);
    }
    return full;
  });
}

/**
 * Overrides settings for this run only; nothing is written to the shared settings file. The app's 'ask' for a name
 * that is taken becomes 'overwrite' here, as the command line always did: a run must end, and a script or a pipe has
 * nobody to answer (the transfer would wait for ever). 'skip-identical' and 'keep-both' apply as set.
 */
export function overrideSettings(services: Engine, patch: { concurrency?: number; partSizeMiB?: number }): void {
  const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const settings = services.core.settings;
  const base = settings.get.bind(settings);
  settings.get = () => {
    const s = base();
    return { ...s, ...clean, existingAction: s.existingAction === 'ask' ? 'overwrite' : s.existingAction };
  };
}

/**
 * Makes sure the bucket answers before queueing, so a wrong endpoint, bucket or secret is one line and
 * exit 2. A one-key listing (GET) is used rather than HeadBucket because a HEAD error has no body, so
 * a wrong secret would be indistinguishable from a missing permission. AccessDenied does not stop the
 * run: upload-only keys (s3:PutObject without s3:ListBucket) are common for landing zones.
 */
export async function preflight(services: Engine, profileId: string, bucket: string, env: Record<string, string | undefined>): Promise<string> {
  const ctx = await services.clients.forProfile(profileId);
  const endpoint = ctx.profile.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? `the S3 service in ${ctx.profile.region}`;
  try {
    // The listing's own home: below the SDK on a custom endpoint, so a run of small or big objects never loads it.
    await listObjectsPage(ctx, { Bucket: bucket, MaxKeys: 1 });
  } catch (err) {
    const appErr = toAppError(err, { action: 'ListObjectsV2', bucket, endpoint, profile: ctx.profile.summary.name });
    if (appErr.code !== 'ACCESS_DENIED') throw appErr;
  }
  return endpoint;
}

/** The upload summary: the shared one, plus the system files its folders left out. */
export interface UploadSummary extends TransferSummary {
  systemFiles: number;
  /** Files left out by --exclude. */
  excluded: number;
}

/**
 * Sums a finished batch and what its folders left out into the summary object; with `io`, first writes one `failed:`
 * line per failure.
 */
export function summarise(rows: TransferSnapshot[], seconds: number, io?: Pick<CliIo, 'stderr'>, leftOut: LeftOut = { systemFiles: 0, problems: [] }): UploadSummary {
  if (io) for (const t of rows) if (t.state === 'failed' || t.state === 'cancelled') io.stderr.write(`failed: ${printable(t.key)}: ${printable(t.error?.message ?? t.state)}\n`);
  const summary: UploadSummary = {
    uploaded: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    bytes: 0,
    seconds: Math.round(seconds * 1000) / 1000,
    problems: leftOut.problems.filter(leftFileOut).length,
    systemFiles: leftOut.systemFiles,
    excluded: leftOut.excluded ?? 0,
  };
  for (const r of rows) {
    if (r.state === 'done') {
      summary.uploaded++;
      summary.bytes += r.bytesTotal;
    } else if (r.state === 'skipped') summary.skipped++;
    else summary.failed++;
  }
  return summary;
}

/** The options `upload` and `download` share (parseArgs form). */
export const transferCliOptions = {
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  concurrency: { type: 'string' },
  'part-size': { type: 'string' },
  'retry-for': { type: 'string' },
  json: { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The engine and progress bar of one upload or download run; `retryFor` (seconds) bounds the wait for an endpoint that stopped answering. */
export async function startTransferRun(io: CliIo, env: Record<string, string | undefined>, retryFor: number | undefined, json: boolean): Promise<{ services: Engine; bar: ProgressBar }> {
  const bar = new ProgressBar(io.stderr, (io.stderr as NodeJS.WriteStream).isTTY === true && !json);
  const { services } = await buildCliServices(env, {
    debug: io.debug,
    logFile: 's3-drop-cli.log',
    io,
    note: (line) => bar.note(line),
    ...(retryFor !== undefined ? { networkWaitMs: retryFor * 1000 } : {}),
  });
  return { services, bar };
}

/** Runs `upload`; returns the exit code. Errors thrown are printed by the caller as one line. */
export async function runUploadCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...transferCliOptions,
      'storage-class': { type: 'string' },
      'include-junk': { type: 'boolean', default: false },
      exclude: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
    },
  });
  if (values.help) {
    io.stdout.write(uploadHelp);
    return EXIT.ok;
  }
  if (positionals.length < 2) throw usageError('upload', 'Give at least one file or folder, then the destination s3://bucket/folder');
  const target = parseS3Url(positionals[positionals.length - 1]!);
  const paths = checkLocalPaths(positionals.slice(0, -1));
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 64);
  const partSizeMiB = intOption(values['part-size'], 'part-size', 5, 5120);
  const retryFor = intOption(values['retry-for'], 'retry-for', 1, 86_400);
  const storageClass = values['storage-class']?.toUpperCase();
  if (storageClass !== undefined && !(storageClasses as readonly string[]).includes(storageClass)) {
    throw usageError('upload', `--storage-class must be one of ${storageClasses.join(', ')}`);
  }
  const tags = tagOptions(values.tag ?? []);
  const env = engineEnv(io.env, 'upload', values.endpoint);

  const started = Date.now();
  const { services, bar } = await startTransferRun(io, env, retryFor, values.json);
  try {
    const engine: TransferEngine = services.transfers;
    overrideSettings(services, { concurrency, partSizeMiB });
    const profileId = await chooseProfileId(services.profiles, env, values.profile);
    const endpoint = await preflight(services, profileId, target.bucket, env);
    if (signal.aborted) return EXIT.interrupted;

    const chosen: UploadOptions = {
      ...(storageClass ? { storageClass: storageClass as UploadOptions['storageClass'] } : {}),
      ...(tags ? { tags } : {}),
    };
    const options: UploadOptions | undefined = Object.keys(chosen).length > 0 ? chosen : undefined;
    // The same expansion as a drop on the window: a folder keeps its name in the keys.
    const { requests, leftOut } = await expandItems(
      paths.map((path) => ({ path })),
      { profileId, bucket: target.bucket, prefix: target.prefix },
      options,
      0,
      'cli',
      'upload',
      values['include-junk'],
      values.exclude ?? [],
      services.core.settings.get().existingAction,
    );
    for (const p of leftOut.problems) io.stderr.write(problemLine('skipped', p));
    const ids = enqueueResuming(engine, requests, 'upload', (fresh) => engine.enqueue(fresh));

    bar.follow(services.events, ids.map((id) => engine.get(id)).filter((t): t is TransferSnapshot => t !== undefined));
    const finished = await awaitTransfers(services, ids, signal, (attempt) => bar.note(retryLine(endpoint, attempt)));
    bar.stop();
    if (!finished) return EXIT.interrupted;

    const summary = summarise(finished, (Date.now() - started) / 1000, io, leftOut);
    if (values.json) io.stdout.write(JSON.stringify(summary) + '\n');
    else io.stderr.write(`Uploaded ${summary.uploaded}, skipped ${summary.skipped}, failed ${summary.failed} (${summary.bytes} bytes in ${summary.seconds}s)${leftOutText(summary)}.\n`);
    return summary.failed > 0 || summary.problems > 0 ? EXIT.transfersFailed : EXIT.ok;
  } finally {
    bar.stop();
    await services.dispose();
  }
}

/**
 * Waits until every listed transfer is final; undefined when Ctrl-C came first. A transfer that waits for a sign-in
 * ends the wait with SSO_LOGIN_REQUIRED: a terminal cannot show the in-app sign-in (the journal keeps the queue).
 */
export async function awaitTransfers(services: Engine, ids: string[], signal: AbortSignal, onWaiting?: (attempt: number) => void): Promise<TransferSnapshot[] | undefined> {
  const ours = new Set(ids);
  let stopAuth: (() => void) | undefined;
  // The engine waits out an outage by itself, within this run's budget; say what it is waiting for, once per try.
  let announced = -1;
  const stopWaiting = services.events.on('transfers:progress', (p) => {
    // Running again: the endpoint came back, and a later outage counts its tries from the start.
    if (p.changed.some((t) => ours.has(t.id) && t.state === 'running')) announced = -1;
    const waiting = p.changed.find((t) => ours.has(t.id) && t.state === 'waiting-network' && (t.waitAttempt ?? 0) > announced);
    if (!waiting) return;
    announced = waiting.waitAttempt ?? 0;
    onWaiting?.(announced + 1);
  });
  return Promise.race([
    services.transfers.waitFor(ids),
    new Promise<undefined>((res) => signal.addEventListener('abort', () => res(undefined), { once: true })),
    new Promise<never>((_, reject) => {
      stopAuth = services.events.on('transfers:progress', (p) => {
        const waiting = p.changed.find((t) => ours.has(t.id) && t.state === 'waiting-auth');
        if (waiting) reject(new AppError('SSO_LOGIN_REQUIRED', { profile: waiting.profileId.replace(/^(aws|app):/, '') }));
      });
    }),
  ]).finally(() => {
    stopAuth?.();
    stopWaiting();
  });
}

/**
 * Enqueues the requests, except where the journal already holds an unfinished transfer of the same key in the same
 * direction (a run stopped with Ctrl-C), and `sameTarget` agrees: that one is followed instead, so its finished
 * parts or ranges are kept.
 */
export function enqueueResuming<R extends Pick<UploadRequest, 'profileId' | 'bucket' | 'key'>>(
  engine: TransferEngine,
  requests: R[],
  direction: TransferDirection,
  enqueue: (fresh: R[]) => string[],
  sameTarget: (request: R, id: string) => boolean = () => true,
): string[] {
  const pending = new Map<string, string>();
  for (const t of engine.list().transfers) if (!FINAL_STATES.has(t.state)) pending.set(`${t.direction ?? 'upload'}\n${t.profileId}\n${t.bucket}\n${t.key}`, t.id);
  const ids: (string | undefined)[] = requests.map((r) => {
    const id = pending.get(`${direction}\n${r.profileId}\n${r.bucket}\n${r.key}`);
    return id !== undefined && sameTarget(r, id) ? id : undefined;
  });
  const fresh = requests.filter((_, i) => ids[i] === undefined);
  const freshIds = fresh.length > 0 ? enqueue(fresh) : [];
  let next = 0;
  const all = ids.map((id) => id ?? freshIds[next++]!);
  // A paused leftover would never finish: this command asks for it, so it runs.
  for (const id of all) if (engine.get(id)?.state === 'paused') engine.resume(id);
  return all;
}
