/**
 * `s3-drop download s3://bucket/key-or-folder... <local-folder>`: the same engine and the same expansion as
 * 'transfers:download' (a folder keeps its name locally), a TTY progress bar, the exit codes and `--json` summary of
 * `upload`, and a resumable run: Ctrl-C, then the same command, fetches only what is missing.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeEmptyFolders, planDownloads } from '../../main/services/transfers/download-plan';
import type { DownloadRequest } from '../../main/services/transfers/types';
import type { RenamedDownload, TransferSnapshot } from '../../shared/contract';
import { EXIT, printable, usageError, type CliIo } from '../cli-io';
import { CLI_NETWORK_WAIT_MS, engineEnv } from '../cli-services';
import { chooseProfileId } from '../profile-choice';
import { parseS3ObjectUrl } from '../s3-url';
import { retryLine } from '../server-wait';
import { awaitTransfers, enqueueResuming, intOption, overrideSettings, preflight, startTransferRun, summarise, transferCliOptions } from './upload';

/** `download --help`. */
export const downloadHelp = `Usage: s3-drop download s3://bucket/key-or-folder... <local-folder> [options]

Downloads files and folders into a local folder. A folder keeps its name in the local path, as uploads keep
it in keys. Each file is written as "name.s3drop-part" and gets its name only once it is complete and checked.
Names your computer cannot hold (such as ".." or, on Windows, ":") are changed and listed.
Press Ctrl-C to stop; run the same command again to continue where it left off.

Options:
  --profile P          the profile to use (default: AWS_PROFILE, the AWS_* keys, or "default")
  --endpoint URL       an S3-compatible endpoint (MinIO, R2, Ceph…); same as AWS_ENDPOINT_URL_S3
  --concurrency N      files downloaded at the same time (1-64)
  --part-size MiB      size of each ranged request for big files, in MiB (5-5120)
  --version-id ID      download this older version of the one file given (see its versions in the app)
  --retry-for SECONDS  how long to keep trying when the storage service stops answering (default ${CLI_NETWORK_WAIT_MS / 1000})
  --json               end with one JSON summary line on stdout
  --debug              show technical details and stack traces
  -h, --help           show this help

Exit codes: 0 all downloaded, 1 some downloads failed, 2 usage or configuration error.
`;

/** The final `--json` line of a download. */
export interface DownloadSummary {
  downloaded: number;
  skipped: number;
  failed: number;
  /** Files saved under another name than their key's (see the lines on stderr). */
  renamed: number;
  bytes: number;
  seconds: number;
}

/** Checks the local folder before anything starts: missing is fine (it is created), a file is not. */
function checkFolder(raw: string): string {
  const full = resolve(raw);
  const st = statSync(full, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw usageError('download', `${raw} is a file; give the folder to download into`);
  return full;
}

/** Runs `download`; returns the exit code. Errors thrown are printed by the caller as one line. */
export async function runDownloadCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...transferCliOptions, 'version-id': { type: 'string' } },
  });
  if (values.help) {
    io.stdout.write(downloadHelp);
    return EXIT.ok;
  }
  if (positionals.length < 2) throw usageError('download', 'Give at least one s3://bucket/file-or-folder, then the local folder to download into');
  const sources = positionals.slice(0, -1).map(parseS3ObjectUrl);
  if (values['version-id'] !== undefined && sources.length !== 1) throw usageError('download', '--version-id is for one file: give a single s3://bucket/file');
  const folder = checkFolder(positionals[positionals.length - 1]!);
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 64, 'download');
  const partSizeMiB = intOption(values['part-size'], 'part-size', 5, 5120, 'download');
  const retryFor = intOption(values['retry-for'], 'retry-for', 1, 86_400, 'download');
  const env = engineEnv(io.env, 'download', values.endpoint);

  const started = Date.now();
  const { services, bar } = await startTransferRun(io, env, retryFor, values.json);
  try {
    const engine = services.transfers;
    overrideSettings(services, { concurrency, partSizeMiB });
    const profileId = await chooseProfileId(services.profiles, env, values.profile);
    let endpoint = '';
    for (const bucket of new Set(sources.map((s) => s.bucket))) endpoint = await preflight(services, profileId, bucket, env);
    if (signal.aborted) return EXIT.interrupted;

    // Everything is listed before anything is queued, so a typo in the last source starts nothing.
    const ctx = await services.clients.forProfile(profileId);
    const requests: DownloadRequest[] = [];
    const renamed: RenamedDownload[] = [];
    const folders: string[] = [];
    for (const bucket of new Set(sources.map((s) => s.bucket))) {
      const keys = sources.filter((s) => s.bucket === bucket).map((s) => s.key);
      const plan = await planDownloads(ctx, { profileId, bucket, keys, folder, origin: 'cli', signal, ...(values['version-id'] ? { versionId: values['version-id'] } : {}) });
      requests.push(...plan.requests);
      renamed.push(...plan.renamed);
      folders.push(...plan.folders);
    }
    await makeEmptyFolders(folders);
    for (const r of renamed) io.stderr.write(`renamed: ${printable(r.key)} -> ${printable(r.path)} (${renameWords[r.reason]})\n`);
    // Only a leftover bound for the same local folder is followed: a run into another folder starts its own (the
    // folder, not the name, since keep-both may have renamed the leftover's file).
    const leftoverDirs = new Map(engine.sources().map((t) => [t.id, dirname(t.localPath)] as const));
    const ids = enqueueResuming(engine, requests, 'download', (fresh) => engine.enqueueDownloads(fresh), (r, id) => leftoverDirs.get(id) === dirname(r.localPath));

    bar.follow(services.events, ids.map((id) => engine.get(id)).filter((t): t is TransferSnapshot => t !== undefined));
    const finished = await awaitTransfers(services, ids, signal, (attempt) => bar.note(retryLine(endpoint, attempt)));
    bar.stop();
    if (!finished) return EXIT.interrupted;

    const s = summarise(finished, (Date.now() - started) / 1000, io);
    const summary: DownloadSummary = { downloaded: s.uploaded, skipped: s.skipped, failed: s.failed, renamed: renamed.length, bytes: s.bytes, seconds: s.seconds };
    if (values.json) io.stdout.write(JSON.stringify(summary) + '\n');
    else io.stderr.write(`Downloaded ${summary.downloaded}, skipped ${summary.skipped}, failed ${summary.failed} (${summary.bytes} bytes in ${summary.seconds}s).\n`);
    return summary.failed > 0 ? EXIT.transfersFailed : EXIT.ok;
  } finally {
    bar.stop();
    await services.dispose();
  }
}

/** Why a name was changed, in the words the terminal shows. */
const renameWords: Record<RenamedDownload['reason'], string> = {
  unsafe: 'the name pointed outside the folder',
  dropped: "an empty or '.' part of the name was left out",
  control: 'the name held control characters',
  windows: 'Windows does not allow this name',
  long: 'the name was too long',
  clash: 'another file or folder already had this name',
  marker: 'the key names a folder but holds data, so it is saved beside the folder',
};
