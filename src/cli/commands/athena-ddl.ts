/**
 * `s3-drop athena-ddl <file.csv> s3://bucket/prefix [--table name] [--template pattern]`: prints the
 * Athena CREATE EXTERNAL TABLE for a local CSV, the same SQL as "Copy SQL" in the app. It reads only
 * the local file, so it needs no profile or network.
 */
import { athenaDdlForFile } from '../../main/services/landing/athena-ddl';
import { AppError } from '../../shared/errors';
import { EXIT, printError, printable, typedPathError } from '../cli-io';
import { parseS3Url } from '../s3-url';

/** Where the command writes (process streams in the real CLI, buffers in tests). */
export interface AthenaDdlIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  debug?: boolean;
}

const usage = 'Usage: s3-drop athena-ddl <file.csv> s3://bucket/prefix [--table name] [--template pattern]\n';

/**
 * Runs the command; returns the exit code (0 done, 2 wrong usage or bad input, 1 an unexpected failure).
 * The command reads only its arguments and one local file, so every catalogued error (missing or unreadable
 * file, not a CSV, empty file, bad URL or template) is bad input and exits 2, as issue 2's CLI rules say.
 */
export async function runAthenaDdlCommand(args: string[], io: AthenaDdlIo): Promise<number> {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      io.stdout.write(usage);
      return EXIT.ok;
    }
    const m = /^--(table|template)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? args[++i];
      if (value === undefined) {
        io.stderr.write(`s3-drop: --${m[1]} needs a value.\n${usage}`);
        return EXIT.usage;
      }
      flags[m[1]!] = value;
    } else if (arg.startsWith('--')) {
      io.stderr.write(`s3-drop: unknown option ${printable(arg)}.\n${usage}`);
      return EXIT.usage;
    } else positional.push(arg);
  }
  if (positional.length !== 2) {
    io.stderr.write(usage);
    return EXIT.usage;
  }
  try {
    const { bucket, prefix } = parseS3Url(positional[1]!);
    io.stdout.write(await athenaDdlForFile(positional[0]!, { bucket, prefix, table: flags.table, template: flags.template }));
    return EXIT.ok;
  } catch (err) {
    printError({ stderr: io.stderr as NodeJS.WritableStream, debug: io.debug ?? false }, typedPathError(err, positional[0]!));
    return err instanceof AppError ? EXIT.usage : EXIT.transfersFailed;
  }
}
