/**
 * `s3-drop profiles`: list (`--json`), `add NAME --access-key-id ID` (the secret key is read from
 * stdin, never from argv, and stored in the OS keychain), `remove NAME`, and `test NAME`.
 */
import { parseArgs } from 'node:util';
import { addProfileSchema, type ProfileSummary } from '../../shared/contract/profiles';
import { AppError } from '../../shared/errors';
import type { Engine } from '../../main/services/engine';
import { connectionSentence } from '../../main/services/profiles/connection-test';
import type { MfaPrompt } from '../../main/services/profiles/mfa-broker';
import { printable } from '../cli-io';

/** What the CLI entry hands to this command (services is absent for --help). */
export interface ProfilesCommandIo {
  services?: Engine;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  json: boolean;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** `profiles --help`. */
export const profilesCommandHelp = `Usage: s3-drop profiles [--json]
       s3-drop profiles add NAME --access-key-id ID [--region R] [--endpoint URL] [--preset aws|minio|r2|b2|wasabi|custom]
       s3-drop profiles remove NAME
       s3-drop profiles test NAME

Lists the profiles S3 Drop can use: ~/.aws config files, the environment, and profiles added in the app.
"add" reads the secret access key from stdin (type it, or pipe it in); it is never taken from the
command line, and it is stored only in the system keychain. "remove" deletes an added profile and its
keychain entry. "test" checks that a profile can sign in.
`;

const EXIT_OK = 0;

function usage(reason: string): AppError {
  return new AppError('CLI_USAGE', { command: 'profiles', reason });
}

/** One line per profile: default marker, name, kind, region, endpoint, key hint and where the secret lives. */
export function profileLines(list: ProfileSummary[]): string {
  if (list.length === 0) return 'No profiles found. Add one with "s3-drop profiles add" or in ~/.aws/config.\n';
  return list
    .map((p) =>
      [p.isDefault ? '*' : ' ', p.name, `(${p.kind}${p.mfa ? ', MFA' : ''})`, p.region ?? '', p.endpoint ?? '', p.accessKeyIdMasked ?? '', p.secretStorage === 'memory' ? '[secret only until exit]' : '']
        .filter((x, i) => i < 2 || x !== '')
        .map(printable)
        .join(' ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

/** Reads the whole of a non-TTY stdin, or prompts without echo on a TTY. */
export async function readSecret(stdin: NodeJS.ReadableStream, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  const tty = stdin as NodeJS.ReadStream;
  if (tty.isTTY && typeof tty.setRawMode === 'function') return readHiddenLine(tty, stderr, prompt);
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

/** A line typed on the terminal, not echoed; Ctrl-C cancels. */
function readHiddenLine(tty: NodeJS.ReadStream, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = tty.isRaw;
    tty.setRawMode(true);
    tty.resume();
    const done = (err?: Error) => {
      tty.off('data', onData);
      tty.setRawMode(wasRaw);
      tty.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new AppError('CANCELLED'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    tty.on('data', onData);
  });
}

/** A terminal MFA prompt for the CLI: `services.profiles.setMfaPrompt(ttyMfaPrompt(io))`. */
export function ttyMfaPrompt(io: { stdin: NodeJS.ReadableStream; stderr: NodeJS.WritableStream }): MfaPrompt {
  return async (request) => {
    if (request.retry) io.stderr.write('That code was not accepted. Wait for a new code and try again.\n');
    const tty = io.stdin as NodeJS.ReadStream;
    if (!tty.isTTY) throw new AppError('MFA_REQUIRED', { profile: request.profileId.replace(/^(aws|app):/, '') });
    const code = (await readLine(tty, io.stderr, `MFA code for ${request.mfaSerial}: `)).trim();
    return /^\d{6}$/.test(code) ? code : null;
  };
}

/** A visible line from the terminal (MFA codes are not secret once used; also the `rm --recursive` confirmation). */
export function readLine(tty: NodeJS.ReadStream, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  stderr.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: Buffer | string) => {
      value += chunk.toString();
      const nl = value.indexOf('\n');
      if (nl >= 0) {
        tty.off('data', onData);
        tty.pause();
        resolve(value.slice(0, nl).replace(/\r$/, ''));
      }
    };
    tty.on('data', onData);
    tty.resume();
  });
}

/** Runs `s3-drop profiles …`; returns the exit code. Errors are thrown for the CLI entry to print. */
export async function runProfilesCommand(args: string[], io: ProfilesCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'access-key-id': { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      preset: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout.write(profilesCommandHelp);
    return EXIT_OK;
  }
  const services = io.services;
  if (!services) throw usage('the engine is not available');
  const json = io.json || values.json;
  const [sub, name, ...extra] = positionals;
  if (extra.length > 0) throw usage(`unexpected "${extra[0]}" (put names with spaces in quotes)`);
  const profiles = services.profiles;

  switch (sub) {
    case undefined:
    case 'list': {
      const list = await profiles.list();
      io.stdout.write(json ? JSON.stringify(list, null, 2) + '\n' : profileLines(list));
      return EXIT_OK;
    }
    case 'add': {
      if (!name) throw usage('"profiles add" needs a NAME');
      if (!values['access-key-id']) throw usage('"profiles add" needs --access-key-id');
      // Checked before asking for the secret: a CLI process cannot keep a secret in memory past its exit.
      if ((await profiles.secretStorage()) !== 'keychain') throw new AppError('KEYCHAIN_REQUIRED');
      const secret = await readSecret(io.stdin, io.stderr, 'Secret access key: ');
      const parsed = addProfileSchema.safeParse({
        name,
        accessKeyId: values['access-key-id'],
        secretAccessKey: secret,
        ...(values.region ? { region: values.region } : {}),
        ...(values.endpoint ? { endpoint: values.endpoint } : {}),
        ...(values.preset ? { preset: values.preset } : values.endpoint ? { preset: 'custom' } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue?.path[0] ?? 'input');
        // Never echo the secret back, even when it is the field that failed.
        const what = field === 'secretAccessKey' ? 'the secret access key from stdin is empty or too long' : `${flagName(field)} is not valid (${issue?.message ?? 'bad value'})`;
        throw usage(what);
      }
      const summary = await profiles.add(parsed.data);
      io.stdout.write(json ? JSON.stringify(summary, null, 2) + '\n' : `Added profile "${printable(summary.name)}"; its secret key is in the system keychain.\n`);
      return EXIT_OK;
    }
    case 'remove': {
      if (!name) throw usage('"profiles remove" needs a NAME');
      const list = await profiles.list();
      const target = list.find((p) => p.source === 'app' && (p.name === name || p.id === name));
      if (!target) {
        if (list.some((p) => p.name === name)) throw usage(`"${name}" comes from your AWS settings files; edit ~/.aws/config to remove it`);
        throw new AppError('PROFILE_NOT_FOUND', { profile: name });
      }
      await profiles.remove(target.id);
      io.stdout.write(json ? JSON.stringify({ removed: target.name }) + '\n' : `Removed profile "${printable(target.name)}" and its keychain entry.\n`);
      return EXIT_OK;
    }
    case 'test': {
      const wanted = name ?? values.profile;
      if (!wanted) throw usage('"profiles test" needs a NAME');
      profiles.setMfaPrompt(ttyMfaPrompt(io));
      const summary = await profiles.find(wanted);
      const result = await profiles.test(summary.id);
      io.stdout.write(json ? JSON.stringify(result) + '\n' : printable(connectionSentence(result)) + '\n');
      return EXIT_OK;
    }
    default:
      throw usage(`"profiles ${sub}" is not a profiles command (use add, remove or test)`);
  }
}

function flagName(field: string): string {
  return { accessKeyId: '--access-key-id', region: '--region', endpoint: '--endpoint', preset: '--preset', name: 'NAME' }[field] ?? field;
}
