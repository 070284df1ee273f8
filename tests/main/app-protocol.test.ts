/**
 * The app:// handler, run in Node with a stand-in for Electron's `net.fetch` that reads file:// URLs from
 * disk: it serves only files inside the renderer folder, with their MIME types, and answers 404 otherwise.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_RENDERER_URL, appSchemePrivileges, createAppProtocolHandler, type AppProtocolRequest } from '../../src/main/app-protocol';
import { buildCsp } from '../../src/main/security';
import { staticTraversalCorpus } from '../support/traversal-corpus';

let root: string;
let rendererDir: string;
const fetched: string[] = [];

/** `net.fetch` for file:// URLs: the bytes, or a rejection as Chromium gives for a missing file. */
async function netFetch(url: string): Promise<Response> {
  fetched.push(url);
  return new Response(readFileSync(fileURLToPath(url)));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 's3drop-app-protocol-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>S3 Drop</title>');
  writeFileSync(join(rendererDir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(rendererDir, 'assets', 'font.woff2'), 'w');
  writeFileSync(join(rendererDir, 'assets', 'data.unknownext'), 'x');
  // Next to the renderer folder: traversal must never reach it.
  writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-CONTENT');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const handler = () => createAppProtocolHandler({ rootDir: rendererDir, fetch: netFetch, csp: buildCsp() });
const get = (path: string, extra: Partial<AppProtocolRequest> = {}) => handler()({ url: APP_ORIGIN + path, method: 'GET', ...extra });

describe('app:// scheme', () => {
  it('is registered as standard, secure and fetch-capable, without bypassing the CSP', () => {
    expect(appSchemePrivileges).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(APP_RENDERER_URL).toBe('app://s3drop/index.html');
  });

  it.each([
    ['/index.html', /^text\/html/, '<!doctype html>'],
    ['/', /^text\/html/, '<!doctype html>'],
    ['/assets/index-AbC123.js', /^(text|application)\/javascript/, 'console.log(1)'],
    ['/assets/index-AbC123.css', /^text\/css/, 'body{}'],
    ['/assets/logo.svg', /^image\/svg\+xml/, '<svg'],
    ['/assets/font.woff2', /^font\/woff2/, 'w'],
    ['/assets/data.unknownext', /^application\/octet-stream$/, 'x'],
  ])('serves %s as %s, with the CSP and nosniff', async (path, type, start) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('content-security-policy')).toBe(buildCsp());
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await res.text()).startsWith(start)).toBe(true);
  });

  it('ignores the query and the hash', async () => {
    expect((await get('/index.html?x=1#/settings')).status).toBe(200);
  });

  it.each([...staticTraversalCorpus, '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/C:%5cWindows%5cwin.ini', '//etc/passwd'])('refuses the traversal %s', async (path) => {
    fetched.length = 0;
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('TOP-SECRET-CONTENT');
    // Nothing outside the folder was even read.
    for (const url of fetched) expect(fileURLToPath(url).startsWith(rendererDir + sep)).toBe(true);
  });

  it.each([
    ['a missing file', APP_ORIGIN + '/assets/missing.js'],
    ['a directory', APP_ORIGIN + '/assets'],
    ['a directory with a slash', APP_ORIGIN + '/assets/'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['the host as a user name', 'app://s3drop@evil/index.html'],
    ['not a URL', 'app//'],
  ])('answers 404 for %s', async (_what, url) => {
    const res = await handler()({ url, method: 'GET' });
    expect(res.status).toBe(404);
  });

  it('answers 404 when net.fetch fails (a file gone between the check and the read)', async () => {
    const failing = createAppProtocolHandler({ rootDir: rendererDir, fetch: () => Promise.reject(new TypeError('net::ERR_FILE_NOT_FOUND')), csp: buildCsp() });
    expect((await failing({ url: APP_RENDERER_URL, method: 'GET' })).status).toBe(404);
  });

  it('refuses writes, and HEAD has headers without a body', async () => {
    expect((await get('/index.html', { method: 'POST' })).status).toBe(405);
    const head = await get('/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await head.text()).toBe('');
  });

  it('serves our own page and the browser, but not requests another origin issued', async () => {
    expect((await get('/assets/index-AbC123.js', { initiatorOrigin: APP_ORIGIN })).status).toBe(200);
    expect((await get('/index.html')).status).toBe(200);
    expect((await get('/assets/index-AbC123.js', { initiatorOrigin: 'https://evil.example' })).status).toBe(403);
    expect((await get('/assets/index-AbC123.js', { initiatorOrigin: 'null' })).status).toBe(403);
  });
});
