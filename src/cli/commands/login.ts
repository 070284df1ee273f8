/**
 * `s3-drop login [--profile P]`: signs in to an AWS SSO profile with the device flow, in the terminal. It prints the
 * page and the code and opens nothing (the person may be on a server over ssh); the token goes to ~/.aws/sso/cache,
 * where the AWS CLI, the SDKs and a running S3 Drop (which then sends its waiting transfers on) all read it.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/errors';
import { EXIT, printable, usageError, type CliIo } from '../cli-io';
import { chooseProfileId } from '../profile-choice';

/** `login --help`. */
export const loginCommandHelp = `Usage: s3-drop login [--profile NAME]

Signs in to an AWS SSO profile: prints a web address and a code; open the address in any browser, check
that it shows the same code, and approve. The sign-in is saved where the AWS CLI keeps it, so transfers
that S3 Drop holds "waiting for sign-in" go on by themselves. Without --profile, the profile is chosen as
for the other commands (AWS_PROFILE, then the default).
`;

/** Runs `s3-drop login`; returns the exit code (errors are thrown for the CLI entry to print). */
export async function runLoginCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(loginCommandHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw usageError('login', `"${positionals[0]}" is not an option of login (use --profile NAME)`);
  const { buildCliServices } = await import('../cli-services');
  const { services } = await buildCliServices({ ...io.env }, { debug: io.debug, logFile: 's3-drop-cli.log' });
  try {
    const profiles = services.profiles;
    const summary = await profiles.find(await chooseProfileId(profiles, io.env, values.profile));
    const started = await profiles.ssoSignIn(summary.id);
    io.stdout.write(
      `To sign in to "${printable(summary.name)}", open this page in a web browser:\n\n  ${printable(started.verificationUri ?? '')}\n\n` +
        `and check that it shows this code: ${printable(started.userCode ?? '')}\n\nWaiting for the sign-in… (Ctrl-C to stop)\n`,
    );
    const finished = await Promise.race([
      profiles.sso.wait(summary.name),
      new Promise<'aborted'>((resolve) => {
        if (signal.aborted) resolve('aborted');
        signal.addEventListener('abort', () => resolve('aborted'), { once: true });
      }),
    ]);
    if (finished === 'aborted') return EXIT.interrupted;
    if (finished?.state !== 'done') {
      // A failed sign-in's error is already a plain reason ("the sign-in was refused"); an expired one's is a sentence.
      const reason = finished?.state === 'expired' ? 'the code expired before it was approved' : (finished?.error ?? 'the sign-in did not finish');
      throw new AppError('SSO_LOGIN_FAILED', { reason });
    }
    io.stdout.write(`Signed in to "${printable(summary.name)}".\n`);
    return EXIT.ok;
  } finally {
    await services.dispose();
  }
}
