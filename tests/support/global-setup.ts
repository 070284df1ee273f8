/** vitest global setup: one S3 server for the whole run, handed to every test file through `inject('s3')`. */
import type { TestProject } from 'vitest/node';
import { startS3Server, type RunningS3Server, type S3ServerInfo } from './s3-server';

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3ServerInfo;
  }
}

let server: RunningS3Server | undefined;

/** Starts the server before any test file runs. */
export async function setup(project: TestProject): Promise<void> {
  server = await startS3Server();
  const { stop: _stop, ...info } = server;
  project.provide('s3', info);
}

/** Stops it after the last one. */
export async function teardown(): Promise<void> {
  await server?.stop();
}
