/** The browser-mode WebSocket protocol: the same contract, framed as JSON messages. */
import type { Result } from './result';

/** Client → server: call a command. */
export interface WireInvoke {
  type: 'invoke';
  id: number;
  name: string;
  payload: unknown;
}

/** Server → client: a command's result. */
export interface WireResult {
  type: 'result';
  id: number;
  result: Result<unknown>;
}

/** Server → client: an event. */
export interface WireEvent {
  type: 'event';
  name: string;
  payload: unknown;
}

/** Any message on the socket. */
export type WireMessage = WireInvoke | WireResult | WireEvent;

/** The WebSocket path; the token travels as a subprotocol (`s3drop.<token>`) so it never lands in URLs or logs. */
export const WS_PATH = '/api/ws';

/** The HTTP path that spools dropped bytes to a temporary file (browser mode only). */
export const SPOOL_PATH = '/api/spool';

/** GET with the token: 204 while it is valid, 401 once it is not (the page can tell "server away" from "key replaced"). */
export const SESSION_PATH = '/api/session';

/** The subprotocol prefix that carries the token. */
export const TOKEN_PROTOCOL_PREFIX = 's3drop.';

/**
 * Browser mode's downloads: POST the choice here with the token for a one-time link, `<DOWNLOAD_PATH>/<ticket>`,
 * which the page then follows as a browser download.
 */
export const DOWNLOAD_PATH = '/api/download';
