/**
 * Browser mode's downloads: the server reads the objects from S3 and streams them to the browser, so the browser
 * never needs to reach the S3 endpoint itself (a private endpoint, a proxy or a CA bundle only the server knows).
 * Two steps, because a browser download is a navigation and cannot carry the bearer token: the page POSTs the
 * choice with the token (as the spool does), the server checks and lists it and answers with a one-time link
 * (`/api/download/<ticket>`, random, single use, a minute to live); following that link streams one file as itself,
 * or several files and folders as one ZIP written on the fly.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Clients, S3Context } from '../main/services/s3/types';
import { httpStatus, toAppError } from '../main/services/s3/errors';
import { cleanEtag, contentCheckOf, objectCall, type ContentCheck } from '../main/services/s3/objects';
import { expandChoice, localNames, type ChosenObject } from '../main/services/transfers/download-plan';
import { safeRelativePath } from '../main/services/transfers/local-names';
import { downloadSourceSchema } from '../shared/contract';
import { AppError } from '../shared/errors';
import { DOWNLOAD_PATH } from '../shared/wire';
import { centralHeader, dataDescriptor, dosDateTime, endRecords, localHeader, planZip, type PlacedEntry } from './zip-writer';

/** How long a download link works after the page asked for it; the page follows it at once. */
export const TICKET_MS = 60_000;
/** Links handed out and not yet followed; an older one goes when a newer one would pass this. */
const MAX_TICKETS = 64;
/** GETs a ZIP sends ahead of the object it is streaming (see `zipStream`). */
export const ZIP_LOOKAHEAD = 4;
/** The largest choice a page may post: 10,000 keys of 1,024 characters, as the contract allows, and some room. */
export const MAX_CHOICE_BYTES = 12 * 1024 * 1024;

/** What a followed link sends: one file as itself, or a ZIP of several. */
type Prepared =
  | { kind: 'file'; profileId: string; bucket: string; object: ChosenObject; name: string }
  | { kind: 'zip'; profileId: string; bucket: string; name: string; objects: ChosenObject[]; entries: PlacedEntry[]; cdOffset: number; total: number };

/**
 * Reads a request body up to `max` bytes; more is refused rather than buffered, and the connection is cut.
 */
async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new AppError('NOT_SUPPORTED', { what: 'a download of this many names at once' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Content-Disposition that no name can break: a plain-ASCII fallback in quotes (quotes, backslashes, `%` and
 * everything outside printable ASCII, CR and LF included, become `_`) and the real name in RFC 5987 `filename*`,
 * percent-encoded (RFC 6266 says browsers prefer it).
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%/]/g, '_') || 'download';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** One name for the computer the browser runs on, whichever it is: the strictest rules (Windows') apply. */
function portableName(rel: string): string {
  return safeRelativePath(rel, 'win32').rel;
}

/** Checks bytes as they pass against the size and the object's own hash; `problem` says what is wrong at the end. */
export class StreamCheck {
  private readonly hash?: Hash;
  private seen = 0;

  /** Starts a check of `size` bytes against `check` (SHA-256 first, else MD5, else the size alone). */
  constructor(
    private readonly size: number,
    private readonly check: ContentCheck,
  ) {
    if (check.sha256) this.hash = createHash('sha256');
    else if (check.md5) this.hash = createHash('md5');
  }

  /** Takes the next bytes. */
  update(chunk: Buffer): void {
    this.seen += chunk.length;
    this.hash?.update(chunk);
  }

  /** Undefined when every byte arrived and the hash matches; otherwise what differed. */
  problem(): string | undefined {
    if (this.seen !== this.size) return `read ${this.seen} of ${this.size} bytes`;
    const expected = this.check.sha256 ?? this.check.md5;
    if (this.hash && this.hash.digest('hex') !== expected?.toLowerCase()) return `${this.check.sha256 ? 'SHA-256' : 'MD5'} differs`;
    return undefined;
  }
}

/** The name of the ZIP: the folder's own when one folder was chosen, else the chosen keys' common folder, else the bucket's. */
function zipName(bucket: string, keys: readonly string[], objects: readonly ChosenObject[]): string {
  const single = keys.length === 1 ? keys[0]!.replace(/\/+$/, '') : undefined;
  if (single !== undefined && objects.every((o) => o.folder || o.key !== keys[0])) return `${posix.basename(single) || bucket}.zip`;
  const parents = new Set(keys.map((k) => posix.dirname(k.replace(/\/+$/, ''))));
  const parent = parents.size === 1 ? [...parents][0]! : '.';
  return `${parent === '.' ? bucket : posix.basename(parent)}.zip`;
}

/** What the server needs to serve downloads. */
export interface DownloadDeps {
  clients: Pick<S3Clients, 'forProfile'>;
  /** Tells the page why a download failed (its own copy shows only "failed"). */
  notify(error: AppError): void;
}

/** The download routes of one server: `prepare` answers the page's POST, `serve` a followed link. */
export class Downloads {
  private readonly tickets = new Map<string, { prepared: Prepared; expires: number }>();

  /** Builds the routes over the engine's S3 clients. */
  constructor(private readonly deps: DownloadDeps) {}

  /** Checks and lists the posted choice; returns the one-time link. Throws AppError (the page shows it). */
  async prepare(req: IncomingMessage): Promise<string> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_CHOICE_BYTES));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('NOT_SUPPORTED', { what: 'this download request' }, { cause: err });
    }
    const parsed = downloadSourceSchema.safeParse(body);
    if (!parsed.success) throw new AppError('NOT_SUPPORTED', { what: 'this download request' }, { details: parsed.error.message });
    const { profileId, bucket, keys, versionId } = parsed.data;
    const ctx = await this.deps.clients.forProfile(profileId);
    const objects = await expandChoice(ctx, bucket, keys, undefined, versionId);
    const prepared = this.arrange(profileId, bucket, keys, objects);
    const now = Date.now();
    for (const [id, t] of this.tickets) if (t.expires <= now || this.tickets.size >= MAX_TICKETS) this.tickets.delete(id);
    const ticket = randomBytes(32).toString('base64url');
    this.tickets.set(ticket, { prepared, expires: now + TICKET_MS });
    return `${DOWNLOAD_PATH}/${ticket}`;
  }

  /** One file chosen is sent as itself; anything else becomes a ZIP whose names keep the folders and suit every OS. */
  private arrange(profileId: string, bucket: string, keys: readonly string[], objects: ChosenObject[]): Prepared {
    const only = objects[0];
    if (objects.length === 1 && only && !only.folder && keys.length === 1 && only.key === keys[0]) {
      return { kind: 'file', profileId, bucket, object: only, name: portableName(only.rel) };
    }
    // The strictest rules (Windows'), and no case: Windows and macOS would unzip `A.txt` and `a.txt` as one file.
    const names = localNames(objects, 'win32', (p) => p.toLowerCase());
    // A folder marker becomes a directory entry (its name ends in '/'), so an empty folder survives the round trip.
    const plan = planZip(objects.map((o, i) => (o.folder ? { name: `${names[i]!.rel}/`, size: 0, dir: true } : { name: names[i]!.rel, size: o.size })));
    return { kind: 'zip', profileId, bucket, name: zipName(bucket, keys, objects), objects, entries: plan.placed, cdOffset: plan.cdOffset, total: plan.total };
  }

  /** Streams what a link names (404 for an unknown, used or expired one). The caller has checked Host and Origin. */
  async serve(ticket: string, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const t = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!t || t.expires <= Date.now()) return void res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('This download link has expired.');
    const { prepared } = t;
    // A browser that goes away (the person cancels, the tab closes) stops the S3 reads at once.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const size = prepared.kind === 'file' ? prepared.object.size : prepared.total;
    const send = (): void =>
      void res.writeHead(200, {
        ...headers,
        // Never the object's own type: an HTML object must not run in this page's origin.
        'content-type': 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'content-disposition': contentDisposition(prepared.name),
        'content-length': String(size),
        'cache-control': 'no-store',
      });
    try {
      const ctx = await this.deps.clients.forProfile(prepared.profileId);
      if (prepared.kind === 'file') {
        const body = await getBody(ctx, prepared.bucket, prepared.object, abort.signal);
        send();
        await pipeline(body.stream, holdLastUntilChecked(body.check, prepared.object), res);
      } else {
        const parts = zipStream(ctx, prepared, abort.signal);
        // The first object's GET answers before any header goes out, so a ZIP whose first object cannot be read
        // (gone, changed, no access) fails with an error status as a single file does, not as a cut-short archive.
        const first = await parts.next();
        send();
        const all = async function* (): AsyncGenerator<Buffer> {
          if (!first.done) yield first.value;
          yield* parts;
        };
        await pipeline(Readable.from(all(), { objectMode: false }), res);
      }
    } catch (err) {
      // The browser went away (cancelled, tab closed): nothing failed that the person needs to hear about.
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | undefined)?.name === 'AbortError') return;
      // toAppError names a dropped S3 connection or an expired session in plain words, as elsewhere.
      const error = toAppError(err);
      this.deps.notify(error);
      // Before any byte the browser gets an error status; after, the connection is cut short of the Content-Length,
      // which the browser marks as a failed download (never as a complete file).
      if (!res.headersSent) res.writeHead(502, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('The download failed.');
      else res.destroy(error);
    } finally {
      abort.abort();
    }
  }
}

/** An object's bytes as a GET answered, and what they can be checked against. */
interface Body {
  stream: Readable;
  check: ContentCheck;
  lastModified?: Date;
}

/** A GET of exactly the version that was listed (If-Match: a changed object fails instead of mixing two versions). */
async function getBody(ctx: S3Context, bucket: string, object: ChosenObject, signal: AbortSignal): Promise<Body> {
  try {
    const out = await objectCall(ctx, { action: 'GetObject', bucket, key: object.key }, (client) =>
      client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key, ...(object.versionId ? { VersionId: object.versionId } : {}), ...(object.etag ? { IfMatch: `"${object.etag}"` } : {}) }), { abortSignal: signal }),
    );
    // A store that ignores If-Match (s3rver) still says which version it sent: another one, or another length, would
    // break the planned Content-Length and ZIP offsets.
    if ((object.etag && cleanEtag(out.ETag) !== object.etag) || (out.ContentLength !== undefined && out.ContentLength !== object.size)) {
      (out.Body as Readable | undefined)?.destroy();
      throw new AppError('OBJECT_CHANGED', { key: object.key }, { details: 'the ETag or size differs from the listing' });
    }
    // Node's SDK body is a Readable (an IncomingMessage); an empty object may come without one.
    const stream = (out.Body as Readable | undefined) ?? Readable.from([]);
    return { stream, check: contentCheckOf(out), ...(out.LastModified ? { lastModified: out.LastModified } : {}) };
  } catch (err) {
    if (httpStatus(err instanceof AppError ? err.cause : err) === 412) throw new AppError('OBJECT_CHANGED', { key: object.key }, { cause: err });
    throw err;
  }
}

/** The error a failed check becomes. */
function mismatch(key: string, problem: string): AppError {
  return new AppError('DOWNLOAD_MISMATCH', { key }, { details: problem });
}

/**
 * Passes a single file's bytes through, always holding back the latest chunk: only when the last byte has arrived
 * and the hash matches does it go out. On a mismatch the stream ends in an error with that chunk unsent, so the
 * browser gets fewer bytes than the Content-Length and marks the download failed instead of keeping a wrong file.
 */
function holdLastUntilChecked(check: ContentCheck, object: ChosenObject): Transform {
  const verify = new StreamCheck(object.size, check);
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      verify.update(chunk);
      const out = held;
      held = chunk;
      done(null, out);
    },
    flush(done) {
      const problem = verify.problem();
      if (problem) return done(mismatch(object.key, problem));
      done(null, held);
    },
  });
}

/**
 * The ZIP's bytes, pulled as the browser takes them (one object is read at a time, and only as fast as the socket
 * drains). Each entry is checked as it passes; on a mismatch the archive stops before its central directory, and
 * the connection is cut short of the Content-Length, so the browser marks the download failed.
 */
async function* zipStream(ctx: S3Context, zip: Extract<Prepared, { kind: 'zip' }>, signal: AbortSignal): AsyncGenerator<Buffer> {
  const crcs: number[] = [];
  // The next few GETs are sent while one object streams, so many small files do not wait one round trip each. Their
  // bodies are not read until their turn: each waits in its socket's buffer, so memory stays a few buffers' worth.
  const ahead: Promise<Body>[] = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < ZIP_LOOKAHEAD && next < zip.objects.length) {
      const chosen = zip.objects[next++]!;
      // A directory entry has no bytes to read.
      const got = chosen.folder ? Promise.resolve<Body>({ stream: Readable.from([]), check: {} }) : getBody(ctx, zip.bucket, chosen, signal);
      // Awaited in its turn; this only keeps a failure of one not yet awaited from being "unhandled".
      got.catch(() => undefined);
      ahead.push(got);
    }
  };
  try {
    for (const [i, p] of zip.entries.entries()) {
      const object = zip.objects[i]!;
      fill();
      const body = await ahead.shift()!;
      fill();
      p.entry.dos = dosDateTime(body.lastModified ?? new Date());
      yield localHeader(p);
      // A directory entry holds no bytes, whatever the listing said: checking it for some would cut the archive short.
      const verify = new StreamCheck(object.folder ? 0 : object.size, body.check);
      let crc = 0;
      // Leaving this loop early (the browser went away) destroys the S3 body.
      for await (const chunk of body.stream as AsyncIterable<Buffer>) {
        crc = crc32(chunk, crc);
        verify.update(chunk);
        yield chunk;
      }
      const problem = verify.problem();
      if (problem) throw mismatch(object.key, problem);
      yield dataDescriptor(p, crc);
      crcs.push(crc);
    }
  } finally {
    // Stopped early: the GETs sent ahead are let go too.
    for (const got of ahead) void got.then((b) => b.stream.destroy(), () => undefined);
  }
  let cdSize = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (const [i, p] of zip.entries.entries()) {
    const h = centralHeader(p, crcs[i]!);
    cdSize += h.length;
    batch.push(h);
    batchBytes += h.length;
    if (batchBytes >= 64 * 1024) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  batch.push(endRecords(zip.entries.length, zip.cdOffset, cdSize));
  yield Buffer.concat(batch);
}
