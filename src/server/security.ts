/**
 * Browser-mode request checks: the random token, Host and Origin (against DNS rebinding), and the
 * loopback rule for the bind address. Pure functions, so each rule is tested on its own.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { TOKEN_PROTOCOL_PREFIX } from '../shared/wire';

/** A fresh 32-byte token, base64url so it fits a URL fragment and a WebSocket subprotocol. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
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
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** What the Host/Origin check needs to know about the running server. */
export interface OriginPolicy {
  port: number;
  /** With --allow-remote any Host is accepted (the token still guards everything). */
  allowRemote: boolean;
}

/** Checks Host; returns our own origin (`http://<host>`) when it is acceptable. */
export function checkHost(host: string | undefined, policy: OriginPolicy): string | undefined {
  if (!host || host.length > 300) return undefined;
  const h = host.toLowerCase();
  if (!policy.allowRemote && !allowedHosts(policy.port).has(h)) return undefined;
  return `http://${h}`;
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

/** The URL printed for the user: loopback binds always print 127.0.0.1 (or [::1]) so the Host check matches. */
export function displayUrl(host: string, port: number, token: string): string {
  const h = host.replace(/^\[|\]$/g, '');
  const shown = h === 'localhost' || h === '0.0.0.0' || /^127\./.test(h) ? '127.0.0.1' : h === '::' ? '[::1]' : isIP(h) === 6 ? `[${h}]` : h;
  return `http://${shown}:${port}/#token=${token}`;
}
