/** `s3-drop serve`: browser mode. Builds the engine, starts the server, and shuts down cleanly on SIGINT/SIGTERM. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/errors';
import { isLoopbackHost } from '../../server/security';
import { startServer } from '../../server/server';
import { EXIT, usageError, type CliIo } from '../cli-io';
import { withDispatcher } from '../../main/services/app-services';
import { buildCliServices } from '../cli-services';

/** `serve --help`. */
export const serveHelp = `Usage: s3-drop serve [--host 127.0.0.1] [--port N] [--allow-remote] [--new-token]

Runs S3 Drop in your web browser. Open the address it prints, including its #token=… part.
The token is kept in the data folder, so an open tab reconnects after a restart.

Options:
  --host H         the address to listen on (default 127.0.0.1; only this computer can connect)
  --port N         the port (default: any free port)
  --allow-remote   allow a --host other computers can reach (anyone with the token could use your profiles)
  --new-token      replace the saved token with a new one; pages opened with the old address lose access
  --debug          show technical details and stack traces
  -h, --help       show this help
`;

/** Where the built UI is: next to this bundle (out/cli → out/renderer), or S3DROP_RENDERER_DIR. */
export function rendererDir(env: Record<string, string | undefined>): string {
  if (env.S3DROP_RENDERER_DIR) return env.S3DROP_RENDERER_DIR;
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

/** Runs `serve` until a signal arrives; returns the exit code. */
export async function runServeCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'allow-remote': { type: 'boolean', default: false },
      'new-token': { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(serveHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw usageError('serve', `"${positionals[0]}" is not an option of serve`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('serve', '--port must be a number from 0 to 65535');
  const host = values.host;
  if (!isLoopbackHost(host) && !values['allow-remote']) throw new AppError('REMOTE_BIND_REFUSED', { host });
  const staticDir = rendererDir(io.env);
  if (!existsSync(join(staticDir, 'index.html'))) throw new AppError('NOT_SUPPORTED', { what: `browser mode without the built UI (run "npm run build"; looked in ${staticDir})` });

  // Browser mode is the app in a browser: its transfers wait out an outage for as long as it runs, like the desktop's.
  const built = await buildCliServices(io.env, { debug: io.debug, logFile: 's3-drop-serve.log', networkWaitMs: Infinity, staleUploads: 'at-start', finishedTransfers: 'listed', browserMode: true });
  const { platform, logger } = built;
  // The page sends commands by name, as the app's renderer does: browser mode alone of the CLI needs the dispatcher.
  const services = withDispatcher(built.services);
  let server;
  try {
    server = await startServer({ services, logger, staticDir, dataDir: platform.dataDir, host, port, allowRemote: values['allow-remote'], newToken: values['new-token'] });
  } catch (err) {
    await services.dispose();
    throw err;
  }
  // The token is in this line on purpose: it is the one thing the user must open.
  io.stdout.write(`S3 Drop is running at ${server.url}\n`);
  logger.info(`browser mode listening on ${host}:${server.port}`);

  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info('browser mode: shutting down');
  await server.close();
  // dispose() keeps the journal: unfinished uploads continue at the next start.
  await services.dispose();
  return EXIT.ok;
}
