/**
 * `s3-drop sync <folder> s3://bucket[/prefix]`: syncs the folder's contents to the prefix (as `aws s3 sync`
 * does) through the same SyncService as the app, then keeps watching until Ctrl-C unless `--once`.
 * Unchanged files are recognised by content, so a second run over an unchanged folder uploads nothing.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from '../../main/services/engine';
import { toAppError } from '../../main/services/s3/errors';
import type { PassSummary } from '../../main/services/sync/executor';
import type { SyncPairInput } from '../../main/services/sync/pair-store';
import { AppError, errorText } from '../../shared/errors';
import { EXIT, leftFileOut, leftOutText, printError, printable, problemLine, usageError, type TransferSummary } from '../cli-io';
import { chooseProfileId } from '../profile-choice';
import { parseS3Url } from '../s3-url';

/** `sync --help`. */
const syncHelp = `Usage: s3-drop sync <folder> s3://bucket[/prefix] [options]

Uploads the folder's new and changed files to the bucket folder, then keeps watching for changes
until you press Ctrl-C. Files already there with the same content are not uploaded again.

Options:
  --once               sync once and exit instead of watching
  --mirror             also remove from the bucket what was deleted from the folder (moved to
                       .s3drop-trash/ first; stops and asks when more than 20% would go)
  --confirm-deletes    with --mirror: go ahead even when more than 20% would be deleted
  --dry-run            only say what would happen ("12 files will be uploaded, 0 deleted")
  --ignore PATTERN     leave out files matching PATTERN (gitignore style; may be repeated)
  --stable-ms N        wait until a changed file has been still for N ms before uploading (default 2000)
  --template T         name each object with a key template, e.g. '{table}/dt={yyyy}-{mm}-{dd}/{name}'
                       (tokens {name} {ext} {yyyy} {mm} {dd} {hh} {folder} {table}); the dates are each
                       file's last-modified day in UTC, so an unchanged folder is never sent again
  --table NAME         what {table} stands for (default: each file's own name)
  --gzip               upload a gzip copy of each file as <key>.gz (the file itself is untouched)
  --utf8               upload a UTF-8 copy of Windows-1252 text files
  --profile P          the profile to use (default: AWS_PROFILE, the AWS_* keys, or "default")
  --endpoint URL       an S3-compatible endpoint (MinIO, R2, Ceph…); same as AWS_ENDPOINT_URL_S3
  --json               end with one JSON summary line on stdout
  --debug              show technical details
  -h, --help           show this help

Exit codes: 0 in sync, 1 some uploads failed, some files were left out for a problem (listed as
"skipped:"), deletes wait for confirmation, or the bucket could not be reached, 2 usage or configuration error.
`;

/** What the CLI entry passes in. */
export interface SyncCommandIo {
  services?: Engine;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  json: boolean;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  /** Show technical details with an error. */
  debug?: boolean;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** The plain-language preview line; when the brake would stop the real run, it says so and how to go ahead. */
function previewLine(p: PassSummary['preview']): string {
  const line = `${plural(p.upload, 'file')} will be uploaded (${p.uploadBytes} bytes), ${p.delete} deleted, ${p.skipped} already there${p.conflicts ? `, ${plural(p.conflicts, 'conflict')}` : ''}.`;
  if (!p.brake) return line;
  return `${line} The sync itself would stop before deleting ${plural(p.brake.count, 'file')} (${Math.round(p.brake.share * 100)}% of the folder) and ask you to confirm: add --confirm-deletes to go ahead.`;
}

/** Runs `sync`; returns the exit code. Errors thrown are printed by the caller as one line. */
export async function runSyncCommand(args: string[], io: SyncCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      once: { type: 'boolean', default: false },
      mirror: { type: 'boolean', default: false },
      'confirm-deletes': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      ignore: { type: 'string', multiple: true, default: [] },
      'stable-ms': { type: 'string' },
      template: { type: 'string' },
      table: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      utf8: { type: 'boolean', default: false },
      profile: { type: 'string' },
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(syncHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw usageError('sync', 'Give one folder, then the destination s3://bucket/folder');
  const services = io.services;
  if (!services) throw new AppError('NOT_SUPPORTED', { what: 'sync without the engine' });
  const json = io.json || values.json;
  const folder = resolve(positionals[0]!);
  const target = parseS3Url(positionals[1]!);
  let stableMs = 2000;
  if (values['stable-ms'] !== undefined) {
    stableMs = Number(values['stable-ms']);
    if (!Number.isInteger(stableMs) || stableMs < 0 || stableMs > 600_000) throw usageError('sync', '--stable-ms must be a whole number from 0 to 600000');
  }
  const profileId = await chooseProfileId(services.profiles, io.env ?? services.core.env, values.profile);
  const input: SyncPairInput = {
    folder,
    target: { profileId, bucket: target.bucket, prefix: target.prefix },
    mode: values.mirror ? 'mirror' : 'upload-only',
    ignore: values.ignore,
    brakeShare: 0.2,
    brakeCount: 1000,
    trashDays: 30,
    stableMs,
    // A bad template is refused by the engine with TEMPLATE_INVALID and its reason (exit 2, bad input).
    ...(values.template !== undefined ? { template: values.template } : {}),
    ...(values.table !== undefined ? { table: values.table } : {}),
    ...(values.gzip ? { gzip: true } : {}),
    ...(values.utf8 ? { convertToUtf8: true } : {}),
  };
  const sync = services.sync;
  const started = Date.now();
  const total: TransferSummary = { uploaded: 0, skipped: 0, failed: 0, deleted: 0, bytes: 0, seconds: 0, problems: 0 };
  let held = false;
  const add = (s: PassSummary) => {
    total.uploaded += s.uploaded;
    total.failed += s.failed;
    total.deleted += s.deleted;
    total.bytes += s.bytes;
    total.skipped += s.skipped;
    total.problems += s.problems.filter(leftFileOut).length;
    for (const p of s.problems) io.stderr.write(problemLine('skipped', p));
    for (const c of s.conflicts) io.stderr.write(`conflict: both copies changed; yours was uploaded as ${printable(c)}\n`);
    for (const k of s.keptRemote) io.stderr.write(`kept: ${printable(k)} was changed in the bucket since the last sync; your unchanged copy was not uploaded over it\n`);
    if (s.brake) {
      held = true;
      io.stderr.write(`${errorText('SYNC_BRAKE', 'en', { count: s.brake.count, percent: Math.round(s.brake.share * 100) })} Run again with --confirm-deletes to go ahead.\n`);
    }
  };
  const finish = (): number => {
    total.seconds = Math.round((Date.now() - started) / 10) / 100;
    if (json) io.stdout.write(JSON.stringify(total) + '\n');
    else io.stderr.write(`Uploaded ${total.uploaded}, skipped ${total.skipped}, failed ${total.failed}, deleted ${total.deleted} (${total.bytes} bytes in ${total.seconds}s)${leftOutText(total)}.\n`);
    // A file left out for a problem is not synced: the run did not do all it was asked, as with a failed upload.
    return total.failed > 0 || total.problems > 0 || held ? EXIT.transfersFailed : EXIT.ok;
  };

  try {
    return await runPasses();
  } catch (err) {
    // Every pass lists the bucket first. When it cannot be reached (a stopped server, the network), the run
    // failed: say why and exit 1, with no summary (it would say "skipped"). Bad input or settings exit 2.
    const failure = toAppError(err);
    if (failure.options.retryable !== true) throw failure;
    printError({ stderr: io.stderr, debug: io.debug ?? false }, failure);
    return EXIT.transfersFailed;
  }

  function runPasses(): Promise<number> {
    return values['dry-run'] ? dryRun() : values.once ? once() : watch();
  }

  async function dryRun(): Promise<number> {
    // With --confirm-deletes the sync would not stop at the brake, so neither does its preview.
    const s = await sync.syncOnce(input, { dryRun: true, signal: io.signal, confirmDeletes: values['confirm-deletes'] });
    for (const p of s.preview.problems) io.stderr.write(problemLine('will skip', p));
    if (json) io.stdout.write(JSON.stringify({ ...total, seconds: Math.round((Date.now() - started) / 10) / 100, dryRun: true, preview: s.preview }) + '\n');
    else io.stderr.write(`${previewLine(s.preview)}\n`);
    return EXIT.ok;
  }

  async function once(): Promise<number> {
    add(await sync.syncOnce(input, { signal: io.signal, confirmDeletes: values['confirm-deletes'] }));
    return finish();
  }

  // Watch until Ctrl-C: the first full pass and each pass the watcher triggers add to the totals.
  async function watch(): Promise<number> {
    const off = sync.onPass((_id, s) => add(s));
    try {
      const id = await sync.watchPair(input, { confirmDeletes: values['confirm-deletes'] });
      if (!json) io.stderr.write(`Watching ${printable(folder)} (Ctrl-C to stop)…\n`);
      await new Promise<void>((res) => {
        if (io.signal?.aborted) return res();
        io.signal?.addEventListener('abort', () => res(), { once: true });
      });
      // The pass in flight ends first (the engine would wait for it anyway before the process exits), so the totals
      // count what it uploaded.
      await sync.unwatchPair(id);
    } finally {
      off();
    }
    return finish();
  }
}
