/** A loopback HTTP proxy in front of the real S3 server that counts requests, to prove "no retry storm". */
import { createServer, request, type Server } from 'node:http';
import { listenLoopback } from './helpers';

/** A running proxy. */
export interface CountingProxy {
  endpoint: string;
  count(): number;
  close(): Promise<void>;
}

/** Forwards every request to `target` unchanged and counts them. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const port = await listenLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
