/**
 * `s3-drop athena-ddl <file.csv> s3://bucket/prefix [--table name] [--template pattern]`: prints the
 * Athena CREATE EXTERNAL TABLE for a local CSV, the same SQL as "Copy SQL" in the app. It reads only
 * the local file, so it needs no profile or network.
 */
import { AppError, toErrorData } from '../../shared/errors';
import { athenaDdlForFile } from '../../main/services/landing/athena-ddl';

/** Where the command writes (process.stdout/stderr in the real CLI, buffers in tests). */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const usage = 'Usage: s3-drop athena-ddl <file.csv> s3://bucket/prefix [--table name] [--template pattern]\n';

/** Splits `s3://bucket/some/prefix` into bucket and prefix; throws S3_URL_INVALID otherwise. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || m[1]!.trim() === '') throw new AppError('S3_URL_INVALID', { url });
  return { bucket: m[1]!, prefix: m[2]! };
}

/** Runs the command; returns the exit code (0 done, 1 failed, 2 wrong usage). */
export async function runAthenaDdlCommand(args: string[], io: CommandIo): Promise<number> {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      io.stdout.write(usage);
      return 0;
    }
    const m = /^--(table|template)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? args[++i];
      if (value === undefined) {
        io.stderr.write(`--${m[1]} needs a value.\n${usage}`);
        return 2;
      }
      flags[m[1]!] = value;
    } else if (arg.startsWith('--')) {
      io.stderr.write(`Unknown option ${arg}.\n${usage}`);
      return 2;
    } else positional.push(arg);
  }
  if (positional.length !== 2) {
    io.stderr.write(usage);
    return 2;
  }
  try {
    const { bucket, prefix } = parseS3Url(positional[1]!);
    const sql = await athenaDdlForFile(positional[0]!, { bucket, prefix, table: flags.table, template: flags.template });
    io.stdout.write(sql);
    return 0;
  } catch (err) {
    const data = toErrorData(err);
    io.stderr.write(`${data.message}\n`);
    return 1;
  }
}
