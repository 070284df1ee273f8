/**
 * Runs a profile's `credential_process` with a time limit. The SDK's own runner has no timeout and
 * cannot kill a hung program, so a hung helper would freeze every upload that waits on it.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { AppError } from '../../../shared/errors';

/** Runs the command through the shell (as the CLI does) and parses its Version 1 JSON. */
export async function runCredentialProcess(
  command: string,
  options: { profile: string; env: Record<string, string | undefined>; timeoutMs: number },
): Promise<AwsCredentialIdentity> {
  const { profile } = options;
  const stdout = await new Promise<string>((resolve, reject) => {
    // Loaded here: child_process (and what it pulls in) is needed only by a profile with a credential_process.
    const child = process.getBuiltinModule('node:child_process').spawn(command, { shell: true, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      killTree(child.pid);
      reject(new AppError('CREDENTIAL_PROCESS_TIMEOUT', { profile }, { details: `no answer after ${options.timeoutMs} ms` }));
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    // stderr is drained but never logged: helpers sometimes print tokens there.
    child.stderr.resume();
    child.once('error', (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: err.message }));
    });
    child.once('close', (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: `exit code ${code}` }));
    });
  });
  return parseProcessOutput(stdout, profile);
}

/** Parses credential_process output; the output itself never goes into an error (it holds secrets). */
export function parseProcessOutput(stdout: string, profile: string): AwsCredentialIdentity {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: 'the output was not JSON' });
  }
  if (!data || typeof data !== 'object' || data.Version !== 1) {
    throw new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: 'the output has no "Version": 1' });
  }
  if (typeof data.AccessKeyId !== 'string' || typeof data.SecretAccessKey !== 'string') {
    throw new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: 'AccessKeyId or SecretAccessKey is missing' });
  }
  let expiration: Date | undefined;
  if (typeof data.Expiration === 'string') {
    expiration = new Date(data.Expiration);
    if (Number.isNaN(expiration.getTime())) throw new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details: 'Expiration is not a date' });
  }
  return {
    accessKeyId: data.AccessKeyId,
    secretAccessKey: data.SecretAccessKey,
    ...(typeof data.SessionToken === 'string' ? { sessionToken: data.SessionToken } : {}),
    ...(expiration ? { expiration } : {}),
  };
}

function killTree(pid: number | undefined): void {
  if (!pid) return;
  try {
    // Negative pid: the whole process group, so a shell's children die with it.
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
