/**
 * The browser page's side of a running `s3-drop serve`, for tests that drive browser mode without a browser:
 * spool a dropped file over HTTP (as src/renderer/api.ts does) and speak the contract over the WebSocket.
 */
import WebSocket from 'ws';
import type { TransferList, TransferSnapshot } from '../../src/shared/contract';
import { SPOOL_PATH, TOKEN_PROTOCOL_PREFIX, WS_PATH, type WireMessage } from '../../src/shared/wire';
import type { ServeProcess } from './serve';

/** PUTs bytes to the spool as the page does; returns the spooled path. */
export async function spoolFile(s: Pick<ServeProcess, 'origin' | 'token'>, name: string, bytes: Buffer): Promise<string> {
  const res = await fetch(`${s.origin}${SPOOL_PATH}?name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${s.token}`, origin: s.origin, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (res.status !== 200) throw new Error(`spooling ${name} answered ${res.status}`);
  return ((await res.json()) as { path: string }).path;
}

/** An open page: its socket, the messages it received (unless told not to keep them), and command calls. */
export interface ServePage {
  ws: WebSocket;
  /** Every message received, in order (empty when opened with `keepMessages: false`). */
  messages: WireMessage[];
  /** Invokes a command and resolves with its value; rejects with the error's code and text on an error result. */
  call(name: string, payload: unknown): Promise<unknown>;
  /** Polls `transfers:list` until the transfer is in `state`; rejects if it ends in another final state. */
  waitForState(id: string, state: TransferSnapshot['state']): Promise<TransferSnapshot>;
}

/** Opens the page's WebSocket with the token, as the real page does. */
export async function openPage(s: Pick<ServeProcess, 'origin' | 'token'>, options: { keepMessages?: boolean } = {}): Promise<ServePage> {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}${WS_PATH}`, [TOKEN_PROTOCOL_PREFIX + s.token], { headers: { origin: s.origin } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const messages: WireMessage[] = [];
  const pending = new Map<number, (msg: WireMessage & { type: 'result' }) => void>();
  ws.on('message', (d) => {
    const msg = JSON.parse(d.toString()) as WireMessage;
    if (options.keepMessages !== false) messages.push(msg);
    if (msg.type === 'result') pending.get(msg.id)?.(msg);
  });
  // A killed server closes the socket: calls still waiting would never settle otherwise.
  ws.on('close', () => {
    for (const [id, settle] of pending) settle({ type: 'result', id, result: { ok: false, error: { code: 'NETWORK', message: 'the socket closed' } } });
  });
  let nextId = 1;
  const page: ServePage = {
    ws,
    messages,
    async call(name, payload) {
      const id = nextId++;
      const answer = new Promise<WireMessage & { type: 'result' }>((resolve) => pending.set(id, resolve));
      ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
      const { result } = await answer;
      pending.delete(id);
      if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
      return result.value;
    },
    async waitForState(id, state) {
      for (;;) {
        const found = ((await page.call('transfers:list', {})) as TransferList).transfers.find((t) => t.id === id);
        if (found?.state === state) return found;
        // Another final state will not change by itself: fail now, with the reason.
        if (found && ['done', 'failed', 'skipped'].includes(found.state)) throw new Error(`transfer ${found.name} ended ${found.state}: ${JSON.stringify(found.error)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return page;
}
