/** vitest global setup: one S3 server for the whole run, handed to every test file through `inject('s3')`. */
import type { TestProject } from 'vitest/node';
import { keychainSkipReason } from './keyring-session';
import { startS3Server, type RunningS3Server, type S3ServerInfo } from './s3-server';

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3ServerInfo;
  }
}

let server: RunningS3Server | undefined;

/** Starts the server before any test file runs. */
export async function setup(project: TestProject): Promise<void> {
  // Said once here rather than in each keychain test file (they skip on the same check).
  const keychainSkip = keychainSkipReason();
  if (keychainSkip) console.warn(keychainSkip);
  server = await startS3Server();
  const { stop: _stop, ...info } = server;
  project.provide('s3', info);
}

/** Stops it after the last one. */
export async function teardown(): Promise<void> {
  await server?.stop();
}
