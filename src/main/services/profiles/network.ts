/**
 * Corporate networks: the CA bundle (`ca_bundle`, AWS_CA_BUNDLE) and HTTPS_PROXY/NO_PROXY.
 * Every client the app builds (S3, STS, SSO) takes its request handler from here.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import type { AgentOptions } from 'node:https';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { AppError } from '../../../shared/errors';
import type { Env } from './discovery';
import { nodeHttpSdk } from '../lazy-sdk';

/** Reads a PEM bundle, or says plainly which file could not be read. */
export function readCaBundle(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AppError('CONFIG_SYNTAX', { file: path, reason: 'the certificate bundle (ca_bundle) cannot be opened' }, { cause });
  }
}

/** The proxy variables Node's agents understand (`proxyEnv`), in upper and lower case like curl. */
export function proxyEnv(env: Env): Record<string, string> | undefined {
  const pick = (k: string) => env[k] ?? env[k.toLowerCase()];
  const out: Record<string, string> = {};
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
    const v = pick(k);
    if (v) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A request handler honouring the CA bundle and proxy settings; undefined when the SDK default is fine. */
export function requestHandlerFor(options: { caBundle?: string; env: Env }): NodeHttpHandler | undefined {
  const proxy = proxyEnv(options.env);
  if (!options.caBundle && !proxy) return undefined;
  const httpsOptions: AgentOptions & { proxyEnv?: Record<string, string> } = { keepAlive: true };
  if (options.caBundle) httpsOptions.ca = options.caBundle;
  if (proxy) httpsOptions.proxyEnv = proxy;
  const httpOptions = { keepAlive: true, ...(proxy ? { proxyEnv: proxy } : {}) };
  return new (nodeHttpSdk().NodeHttpHandler)({ httpsAgent: new (process.getBuiltinModule('node:https').Agent)(httpsOptions), httpAgent: new HttpAgent(httpOptions) });
}
