/**
 * The `s3-drop` command: argument parsing (node:util parseArgs), one plain line per error, exit codes
 * 0/1/2, and Ctrl-C that stops cleanly (the engine's journal lets the same command resume). Loaded by
 * index.ts once Node's version is known to be enough.
 */
import { AppError } from '../shared/errors';
import { EXIT, printError, printableLines, usageError, type CliIo } from './cli-io';
import { appVersion } from '../server/node-platform';
import { tuneHeapForSync } from '../main/services/heap-tuning';

/**
 * Each command's module, imported only when that command runs: the engine and the AWS SDK take far longer to load
 * than a whole `--help`, so help, `--version` and a usage error load none of them (tests/cli/cli-start.test.ts).
 */
const commandModules = {
  upload: () => import('./commands/upload'),
  download: () => import('./commands/download'),
  serve: () => import('./commands/serve'),
  profiles: () => import('./commands/profiles'),
  login: () => import('./commands/login'),
  sync: () => import('./commands/sync'),
  'athena-ddl': () => import('./commands/athena-ddl'),
  'file-ops': () => import('./commands/file-ops'),
};

/** Top-level help. */
export const mainHelp = `Usage: s3-drop <command> [options]

Puts files into Amazon S3 and S3-compatible storage.

Commands:
  profiles [--json]                          list the profiles you can use (also: profiles add, profiles remove)
  login [--profile P]                        sign in to an AWS SSO profile (prints a web address and a code)
  upload <path>... s3://bucket[/prefix]      upload files and folders
  download s3://bucket/key-or-folder <dir>   download files and folders (resumes after Ctrl-C)
  ls s3://bucket[/prefix] [--recursive]      list a bucket folder
  rm [--recursive] s3://bucket/key           delete an object, or a folder with --recursive
  mv s3://bucket/from s3://bucket/to         rename or move an object, or a folder with --recursive
  sync <folder> s3://bucket[/prefix]         keep a bucket folder up to date with a local folder
  athena-ddl <file.csv> s3://bucket/prefix   print an Athena CREATE TABLE for a CSV
  serve [--host H] [--port N]                run S3 Drop in your web browser

Run "s3-drop <command> --help" for a command's options. Add --debug to any command for technical details.
The standard AWS variables are honoured (AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3…).
`;

/** The value of `--name V` or `--name=V` in raw args, before the command's own parsing. */
function rawOption(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

type Delegate = (args: string[], io: Record<string, unknown>) => Promise<number>;

/** Runs profiles/sync/athena-ddl through the teammates' modules, or says plainly they are not there yet. */
async function runDelegate(command: 'profiles' | 'sync' | 'athena-ddl', args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const exportName = { profiles: 'runProfilesCommand', sync: 'runSyncCommand', 'athena-ddl': 'runAthenaDdlCommand' }[command];
  const fn = ((await commandModules[command]()) as Record<string, unknown>)[exportName] as Delegate | undefined;
  if (typeof fn !== 'function') throw new AppError('NOT_SUPPORTED', { what: `the ${command} command (not available yet)` });
  const json = args.includes('--json');
  const base = { stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, json, signal, debug: io.debug };
  if (command === 'athena-ddl') return fn(args, base);
  if (args.includes('--help') || args.includes('-h')) return fn(args, { ...base, services: undefined });
  // A sync pass over many files is the one run long enough for V8's old-generation slack to show in its peak RSS.
  if (command === 'sync') tuneHeapForSync();
  // For sync, --endpoint overrides every profile's endpoint (AWS_ENDPOINT_URL_S3); for `profiles add` it is the new profile's own.
  const { buildCliServices, engineEnv } = await import('./cli-services');
  const env = command === 'sync' ? engineEnv(io.env, command, rawOption(args, 'endpoint')) : { ...io.env };
  const { services } = await buildCliServices(env, { debug: io.debug, logFile: 's3-drop-cli.log', io });
  try {
    return await fn(args, { ...base, services, env });
  } finally {
    await services.dispose();
  }
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code, never throws. */
export async function main(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.stderr.write(mainHelp);
        return EXIT.usage;
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(mainHelp);
        return EXIT.ok;
      case '-v':
      case '--version':
        io.stdout.write(`s3-drop ${appVersion}\n`);
        return EXIT.ok;
      case 'upload':
        return await (await commandModules.upload()).runUploadCommand(rest, io, signal);
      case 'download':
        return await (await commandModules.download()).runDownloadCommand(rest, io, signal);
      case 'serve':
        return await (await commandModules.serve()).runServeCommand(rest, io, signal);
      case 'login':
        return await (await commandModules.login()).runLoginCommand(rest, io, signal);
      case 'ls':
        return await (await commandModules['file-ops']()).runLsCommand(rest, io, signal);
      case 'rm':
        return await (await commandModules['file-ops']()).runRmCommand(rest, io, signal);
      case 'mv':
        return await (await commandModules['file-ops']()).runMvCommand(rest, io, signal);
      case 'profiles':
      case 'sync':
      case 'athena-ddl':
        return await runDelegate(command, rest, io, signal);
      default:
        throw usageError(command.startsWith('-') ? 's3-drop' : command, `"${command}" is not a command of s3-drop`);
    }
  } catch (err) {
    printError(io, asUsageError(err, command ?? 's3-drop'));
    return EXIT.usage;
  }
}

/** parseArgs throws TypeErrors (unknown option, missing value): turn them into the catalogue's usage line. */
function asUsageError(err: unknown, command: string): unknown {
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('ERR_PARSE_ARGS')) {
    const reason = ((err as Error).message.split('. ')[0] ?? 'The options are not right').replace(/\.$/, '');
    return new AppError('CLI_USAGE', { command, reason }, { cause: err });
  }
  return err;
}

/** The process entry: wires signals, runs, flushes output, exits with the code. */
export async function runCli(): Promise<void> {
  const argv = process.argv.slice(2);
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, debug: argv.includes('--debug') };
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    // Aborting in-flight requests while the engine shuts down can surface as stray stream errors;
    // the journal already holds the state, so they must not turn a clean stop into a crash.
    process.on('uncaughtException', (err) => {
      if (io.debug) process.stderr.write(`while stopping: ${printableLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    });
    // The SDK warns on console for every streamed request we abort ourselves; after Ctrl-C that is noise.
    if (!io.debug) console.warn = () => undefined;
    controller.abort();
    if (argv[0] !== 'serve') printError({ stderr: process.stderr, debug: false }, new AppError('INTERRUPTED'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await main(argv, io, controller.signal);
  // SDK keep-alive sockets and watchers may hold the loop open: exit once our output is flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
