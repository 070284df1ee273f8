/**
 * Browser-mode request checks: the random token, Host and Origin (against DNS rebinding), and the
 * loopback rule for the bind address. Pure functions, so each rule is tested on its own.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../main/services/persist/atomic-file';
import { TOKEN_PROTOCOL_PREFIX } from '../shared/wire';

/** A fresh 32-byte token, base64url so it fits a URL fragment and a WebSocket subprotocol. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The file in the data folder that keeps browser mode's token between runs (mode 0600, like the keys it guards). */
export const TOKEN_FILE = 'serve-token';

/**
 * The token this data folder's browser mode uses: the saved one, or a new one when there is none, it is damaged,
 * or `rotate` asks for it (`serve --new-token`). Kept across restarts so an open tab reconnects by itself
 * instead of failing for good with a key that no longer exists.
 */
export function loadOrCreateToken(dataDir: string, rotate = false): string {
  const file = join(dataDir, TOKEN_FILE);
  if (!rotate) {
    try {
      const saved = readFileSync(file, 'utf8').trim();
      // 32 random bytes in base64url: anything else was not written by us, so it is replaced.
      if (/^[A-Za-z0-9_-]{43}$/.test(saved)) return saved;
    } catch {
      // No file yet (or unreadable): a new token below.
    }
  }
  const token = newToken();
  writeFileAtomic(file, `${token}\n`, 0o600);
  return token;
}

/** Constant-time token check: both sides are hashed first so the lengths always match. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The token from `authorization: Bearer <token>`, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** The token from a `sec-websocket-protocol` offer (`s3drop.<token>`), and the exact protocol to echo. */
export function protocolToken(header: string | undefined): { token: string; protocol: string } | undefined {
  for (const raw of (header ?? '').split(',')) {
    const protocol = raw.trim();
    if (protocol.startsWith(TOKEN_PROTOCOL_PREFIX)) return { token: protocol.slice(TOKEN_PROTOCOL_PREFIX.length), protocol };
  }
  return undefined;
}

/** True for an address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** The Host header values a loopback server answers to; anything else may be a rebinding attack. */
export function allowedHosts(port: number, listenHost?: string): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  // Another loopback address (--host 127.0.0.2) is only reachable, and printed, as itself.
  if (listenHost) hosts.add(`${listenHost.toLowerCase()}:${port}`);
  return hosts;
}

/** What the Host/Origin check needs to know about the running server. */
export interface OriginPolicy {
  port: number;
  /** With --allow-remote any Host is accepted (the token still guards everything). */
  allowRemote: boolean;
  /** The host part of the printed address (`127.0.0.2`, `[::1]`), accepted as Host as well. */
  listenHost?: string;
}

/** Checks Host; returns our own origin (`http://<host>`) when it is acceptable. */
export function checkHost(host: string | undefined, policy: OriginPolicy): string | undefined {
  if (!host || host.length > 300) return undefined;
  const h = host.toLowerCase();
  if (!policy.allowRemote && !allowedHosts(policy.port, policy.listenHost).has(h)) return undefined;
  return `http://${h}`;
}

/**
 * The path and query of a request target, or undefined when it is not a plain `/path?query` (then the request
 * gets a 400). Parsed against a fixed base so that `//[` or `//other-host/x` is read as a path and can never throw
 * or pick a host.
 */
export function requestTarget(raw: string | undefined): URL | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${raw}`);
  } catch {
    return undefined;
  }
}

/** The deepest nesting a contract message needs is about 5 (`{payload:{options:{metadata:{…}}}}`); 32 is ample. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when the JSON text nests no deeper than `max` arrays/objects. Checked before `JSON.parse`, which would
 * otherwise build millions of nested objects from a 1 MiB message of `[`. A linear scan; strings are skipped.
 */
export function jsonDepthWithin(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/**
 * Checks Origin against our own origin. A missing Origin is allowed (non-browser clients and
 * same-origin GETs omit it); the token still has to be right, and browsers always send Origin on
 * WebSocket handshakes and cross-site writes, which is what a hostile page would need.
 */
export function checkOrigin(origin: string | undefined, ownOrigin: string): boolean {
  if (origin === undefined) return true;
  return origin.toLowerCase() === ownOrigin;
}

/** The host part of the printed address for a bound address: itself, except that wildcards print as loopback. */
export function displayHost(address: string): string {
  const h = address.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '0.0.0.0') return '127.0.0.1';
  if (h === '::') return '[::1]';
  return isIP(h) === 6 ? `[${h}]` : h;
}

/** The URL printed for the user: the address really listened on (127.0.0.2 stays 127.0.0.2), which the Host check accepts. */
export function displayUrl(host: string, port: number, token: string): string {
  return `http://${displayHost(host)}:${port}/#token=${token}`;
}
