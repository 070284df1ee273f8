/**
 * The quiet-server watch on its own, in this process: a line once an open request has heard nothing for the
 * threshold, more as the wait doubles, none while bytes move, and the count starting over after an answer.
 */
import { request, type IncomingMessage } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { channel } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { RAW_REQUEST_CHANNEL, type RawRequestStart } from '../../src/main/services/s3/raw-requests';
import { quietLine, quietNoticeMs, QUIET_NOTICE_MS, watchQuietServers } from '../../src/cli/server-wait';
import { waitUntil } from '../support/serve';

describe('quietLine and quietNoticeMs', () => {
  it('names the endpoint and the wait in whole seconds from 10 s, tenths below', () => {
    expect(quietLine('http://127.0.0.1:9000', 10_400)).toBe('Waiting for http://127.0.0.1:9000 to answer (no answer for 10 s)…');
    expect(quietLine('https://s3.example', 20_900)).toBe('Waiting for https://s3.example to answer (no answer for 20 s)…');
    expect(quietLine('http://h', 240)).toBe('Waiting for http://h to answer (no answer for 0.2 s)…');
  });

  it('takes S3DROP_WAIT_NOTICE_MS only when it is a positive whole number', () => {
    expect(quietNoticeMs({})).toBe(QUIET_NOTICE_MS);
    expect(quietNoticeMs({ S3DROP_WAIT_NOTICE_MS: '150' })).toBe(150);
    for (const bad of ['0', '-5', '1.5', 'soon', '']) expect(quietNoticeMs({ S3DROP_WAIT_NOTICE_MS: bad })).toBe(QUIET_NOTICE_MS);
  });
});

describe('watchQuietServers', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('reports a silent server, more as the wait doubles, and again only after an answer and a new silence', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      s.resume();
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
    const notes: string[] = [];
    cleanups.push(watchQuietServers(100, (line) => notes.push(line)));
    const ask = () =>
      new Promise<IncomingMessage>((res, rej) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (r) => {
          r.resume();
          r.on('end', () => res(r));
        });
        req.on('error', rej);
        req.end();
      });

    const first = ask();
    await waitUntil(() => notes.length >= 2);
    const said = notes.map((l) => Number(/no answer for ([\d.]+) s/.exec(l)?.[1]));
    expect(notes[0]).toMatch(new RegExp(`^Waiting for http://127\\.0\\.0\\.1:${port} to answer \\(no answer for [\\d.]+ s\\)…$`));
    // The second line names a longer wait than the first: the lines space out instead of repeating.
    expect(said[1]).toBeGreaterThan(said[0]!);

    // The server answers: that request ends, and a new one waits afresh.
    const answered = Date.now();
    sockets[0]!.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    expect((await first).statusCode).toBe(200);
    const before = notes.length;
    void ask().catch(() => undefined);
    await waitUntil(() => notes.length > before);
    const again = Number(/no answer for ([\d.]+) s/.exec(notes[before]!)?.[1]);
    // Counted from the new request, so within the time since the answer (plus the line's rounding to a tenth); counted
    // from the first request, it would also hold the first's silence (two lines' worth, 200 ms at least).
    expect(again * 1000).toBeLessThanOrEqual(Date.now() - answered + 50);
  });

  it('says nothing while an answer keeps coming, however slowly', async () => {
    // A byte every 50 ms for 1.5 s against a 1 s threshold: only a stall of the whole process could print a line.
    const server = createServer((s) => {
      s.resume();
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 30\r\nconnection: close\r\n\r\n');
      let sent = 0;
      const timer = setInterval(() => {
        s.write('x');
        if (++sent === 30) {
          clearInterval(timer);
          s.end();
        }
      }, 50);
      s.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    cleanups.push(() => server.close());
    const notes: string[] = [];
    cleanups.push(watchQuietServers(1000, (line) => notes.push(line)));
    const body = await new Promise<string>((res, rej) => {
      const req = request({ host: '127.0.0.1', port: (server.address() as { port: number }).port, path: '/', agent: false }, (r) => {
        let text = '';
        r.on('data', (d) => (text += d));
        r.on('end', () => res(text));
      });
      req.on('error', rej);
      req.end();
    });
    expect(body).toBe('x'.repeat(30));
    expect(notes).toEqual([]);
  });
  it('watches the ranges big downloads read off raw sockets too (they never pass through node:http)', async () => {
    const notes: string[] = [];
    cleanups.push(watchQuietServers(100, (line) => notes.push(line)));
    let bytes = 0;
    let finish!: () => void;
    const finished = new Promise<void>((res) => (finish = res));
    cleanups.push(finish);
    channel(RAW_REQUEST_CHANNEL).publish({ endpoint: 'http://127.0.0.1:7', bytes: () => bytes, finished } satisfies RawRequestStart);
    // Bounded by the test's timeout: without the raw channel, no line ever comes.
    await waitUntil(() => notes.length > 0);
    expect(notes[0]).toMatch(/^Waiting for http:\/\/127\.0\.0\.1:7 to answer \(no answer for [0-9.]+ s\)…$/);
    // Bytes moving start the count again; the request's end leaves nothing open to report.
    bytes += 1;
    finish();
    await finished;
    const count = notes.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(notes.length).toBe(count);
  }, 20_000);
});
