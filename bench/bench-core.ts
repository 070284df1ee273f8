/** The engine's core dependencies for a benchmark process: the same builder the test child processes use. */
import { staticEngineDeps } from '../tests/support/static-engine';

/** Builds the core deps and an S3 client factory over fixed keys for a custom endpoint. */
export function benchCore(dataDir: string, endpoint: string, accessKeyId: string, secretAccessKey: string) {
  return staticEngineDeps(dataDir, { endpoint, accessKeyId, secretAccessKey });
}
