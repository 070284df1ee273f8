/** The CLI's pure parts: data folder per OS, s3:// parsing, profile choice, the progress line, and printable names. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProfileSummary, TransferSnapshot } from '../../src/shared/contract';
import { AppError } from '../../src/shared/errors';
import { EventBus } from '../../src/main/services/events';
import { createNodePlatform, defaultDataDir } from '../../src/server/node-platform';
import { chooseProfileId } from '../../src/cli/profile-choice';
import { ProgressBar, progressLine } from '../../src/cli/progress';
import { parseS3KeyUrl, parseS3ObjectUrl, parseS3Url } from '../../src/cli/s3-url';
import { printable } from '../../src/cli/cli-io';
import { summarise, tagOptions } from '../../src/cli/commands/upload';
import { displayUrl, isLoopbackHost, checkHost } from '../../src/server/security';

describe('data folder (same as Electron userData)', () => {
  it('follows each OS, and S3DROP_DATA_DIR wins', () => {
    expect(defaultDataDir({}, 'linux', '/home/ana')).toBe('/home/ana/.config/S3 Drop');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ana')).toBe('/xdg/S3 Drop');
    expect(defaultDataDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/S3 Drop');
    expect(defaultDataDir({ APPDATA: 'C:/Users/ana/AppData/Roaming' }, 'win32', 'C:/Users/ana')).toBe('C:/Users/ana/AppData/Roaming/S3 Drop');
    expect(defaultDataDir({ S3DROP_DATA_DIR: '/data' }, 'darwin', '/Users/ana')).toBe('/data');
  });

  it('gives browser capabilities and logs under the data folder', () => {
    const p = createNodePlatform({ S3DROP_DATA_DIR: '/d' });
    expect(p.logsDir).toBe('/d/logs');
    expect(p.capabilities).toEqual({ transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false });
  });
});

describe('s3:// destinations', () => {
  it('parses bucket and prefix, adding the trailing slash', () => {
    expect(parseS3Url('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Url('s3://bucket/')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Url('s3://bucket/a/b')).toEqual({ bucket: 'bucket', prefix: 'a/b/' });
    expect(parseS3Url('S3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b/' });
  });

  it.each(['bucket', 's3:/bucket', 's3://', 'https://bucket', 's3://bucket//a', 's3://bucket/a\nb'])('refuses %s with S3_URL_INVALID', (raw) => {
    expect(() => parseS3Url(raw)).toThrow(expect.objectContaining({ code: 'S3_URL_INVALID' }));
  });

  it.each(['s3://bucket/../a', 's3://b/a/./c', 's3://b/..'])('refuses %s as a name with "." or ".." parts, not as a malformed address', (raw) => {
    expect(() => parseS3Url(raw)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('"." or ".."') }));
  });

  it('refuses a bucket name that can never be addressed', () => {
    expect(() => parseS3Url('s3://has space/x')).toThrow(expect.objectContaining({ code: 'BUCKET_NAME_INVALID' }));
  });

  it('names an object that is already there by any key a store holds (download, rm, the source of mv), but writes to none of them (the destination of mv)', () => {
    for (const key of ['../escape.txt', 'a/../../b.txt', 'a//b', './x', 'line\nbreak.txt']) {
      expect(parseS3ObjectUrl(`s3://bucket/${key}`)).toEqual({ bucket: 'bucket', key });
      expect(() => parseS3KeyUrl(`s3://bucket/${key}`), key).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(S3_URL_INVALID|KEY_INVALID)$/) }));
    }
    expect(parseS3ObjectUrl('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(parseS3KeyUrl('s3://bucket/a/b.txt')).toEqual({ bucket: 'bucket', key: 'a/b.txt' });
    expect(parseS3KeyUrl('s3://bucket/folder/')).toEqual({ bucket: 'bucket', key: 'folder/' });
    expect(() => parseS3ObjectUrl('s3://has space/x')).toThrow(expect.objectContaining({ code: 'BUCKET_NAME_INVALID' }));
  });
});

describe('profile choice', () => {
  const p = (id: string, name: string, source: ProfileSummary['source'] = 'aws-config'): ProfileSummary => ({ id, name, kind: 'keys', source, hasSecret: true });
  const list = [p('aws:default', 'default'), p('aws:work', 'work'), p('app:work', 'work', 'app'), p('env', 'env', 'environment')];
  const profiles = { list: async () => list };

  it('uses --profile, preferring ~/.aws over app profiles of the same name, and accepts ids', async () => {
    expect(await chooseProfileId(profiles, {}, 'work')).toBe('aws:work');
    expect(await chooseProfileId(profiles, {}, 'app:work')).toBe('app:work');
  });

  it('then AWS_PROFILE, then the environment keys, then default', async () => {
    expect(await chooseProfileId(profiles, { AWS_PROFILE: 'work', AWS_ACCESS_KEY_ID: 'AKIA' })).toBe('aws:work');
    expect(await chooseProfileId(profiles, { AWS_ACCESS_KEY_ID: 'AKIA' })).toBe('env');
    expect(await chooseProfileId(profiles, {})).toBe('aws:default');
  });

  it('with keys in the environment and no profile named, reads no profile list (no ~/.aws, no keychain)', async () => {
    let listed = 0;
    const counting = { list: async () => (listed++, list) };
    expect(await chooseProfileId(counting, { AWS_ACCESS_KEY_ID: 'AKIA' })).toBe('env');
    expect(listed).toBe(0);
    expect(await chooseProfileId(counting, { AWS_ACCESS_KEY_ID: 'AKIA' }, 'work')).toBe('aws:work');
    expect(listed).toBe(1);
  });

  it('refuses an unknown name with PROFILE_NOT_FOUND and no profile at all with NO_CREDENTIALS', async () => {
    await expect(chooseProfileId(profiles, {}, 'nope')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND', params: { profile: 'nope' } });
    await expect(chooseProfileId(profiles, { AWS_PROFILE: 'gone' })).rejects.toBeInstanceOf(AppError);
    await expect(chooseProfileId({ list: async () => [] }, {})).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
  });
});

const snap = (id: string, state: TransferSnapshot['state'], bytesDone: number, bytesTotal: number, speed = 0): TransferSnapshot => ({
  id,
  name: id,
  bucket: 'b',
  key: id,
  profileId: 'env',
  state,
  bytesDone,
  bytesTotal,
  speed,
  etaSeconds: null,
  priority: 0,
  createdAt: 0,
});

describe('printable names', () => {
  it('shows every control character and text-reordering mark as an escape, and leaves the rest alone', () => {
    expect(printable('a\x1b[31mb\rc\nd\te\x00\x7f\x9b')).toBe('a\\x1b[31mb\\rc\\nd\\te\\x00\\x7f\\x9b');
    expect(printable('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(printable('relatório 2026 / ファイル C:\\x.csv')).toBe('relatório 2026 / ファイル C:\\x.csv');
    expect(printable(42)).toBe('42');
  });
});

describe('progress and summary', () => {
  it('draws the share of bytes, the files finished, speed and ETA', () => {
    const line = progressLine([snap('a', 'done', 1024, 1024), snap('b', 'running', 1024, 3072, 1024)], 10);
    expect(line).toBe('[#####-----] 50% 2.0 KiB/4.0 KiB 1/2 files 1.0 KiB/s ETA 2s');
  });

  it('draws nothing when stderr is not a terminal', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (d) => (written += d));
    const bar = new ProgressBar(out, false);
    const events = new EventBus();
    bar.follow(events, [snap('a', 'running', 0, 10)]);
    events.emit('transfers:progress', { changed: [snap('a', 'done', 10, 10)], removed: [], overall: {} as never });
    bar.stop();
    expect(written).toBe('');
  });

  it('prints a note (what an outage waits for) on its own line: plain when not a terminal, above the bar when one is drawn', async () => {
    const note = 'Waiting for http://127.0.0.1:9 to answer (attempt 1)…';
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const run = async (tty: boolean) => {
      const out = new PassThrough();
      let written = '';
      out.on('data', (d) => (written += d));
      const bar = new ProgressBar(out, tty, 0);
      bar.follow(new EventBus(), [snap('a', 'running', 0, 10)]);
      await tick();
      bar.note(note);
      await tick();
      bar.stop();
      return written;
    };
    expect(await run(false)).toBe(`${note}\n`);
    const drawn = await run(true);
    const at = drawn.indexOf(`\r\x1b[2K${note}\n`);
    expect(at).toBeGreaterThan(0);
    // The bar was there before the note, and comes back under it.
    expect(drawn.slice(0, at)).toContain('\r\x1b[2K[');
    expect(drawn.slice(at + note.length)).toContain('\r\x1b[2K[');
  });

  it('counts uploaded, skipped and failed, and bytes of uploaded files only', () => {
    const s = summarise([snap('a', 'done', 5, 5), snap('b', 'skipped', 0, 7), snap('c', 'failed', 1, 9), snap('d', 'cancelled', 0, 2)], 1.23456);
    expect(s).toEqual({ uploaded: 1, skipped: 1, failed: 2, deleted: 0, bytes: 5, seconds: 1.235, problems: 0, systemFiles: 0, excluded: 0 });
  });
});

describe('bind address and printed URL', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('prints an address the Host check accepts', () => {
    expect(displayUrl('127.0.0.1', 4000, 't')).toBe('http://127.0.0.1:4000/#token=t');
    expect(displayUrl('localhost', 4000, 't')).toBe('http://127.0.0.1:4000/#token=t');
    expect(displayUrl('::1', 4000, 't')).toBe('http://[::1]:4000/#token=t');
    expect(displayUrl('192.168.1.5', 4000, 't')).toBe('http://192.168.1.5:4000/#token=t');
  });

  it('with --allow-remote accepts any Host but still derives our own origin from it', () => {
    expect(checkHost('nas.local:4000', { port: 4000, allowRemote: false })).toBeUndefined();
    expect(checkHost('nas.local:4000', { port: 4000, allowRemote: true })).toBe('http://nas.local:4000');
  });
});

describe('upload --tag', () => {
  it('takes KEY=VALUE pairs (a value may hold =), and refuses what S3 would refuse with the rule it breaks', () => {
    expect(tagOptions([])).toBeUndefined();
    expect(tagOptions(['project=Trip to Lisbon', 'formula=a=b'])).toEqual({ project: 'Trip to Lisbon', formula: 'a=b' });
    expect(() => tagOptions(['=x'])).toThrow(/KEY=VALUE/);
    // No '=' at all is not "no key": it says how a tag is written.
    expect(() => tagOptions(['novalue'])).toThrow('The tag "novalue" has no "=": tags are written KEY=VALUE, such as --tag team=data (KEY= for an empty value).');
    expect(() => tagOptions(['aws:owner=me'])).toThrow(/reserved/);
    expect(() => tagOptions(['k=semi;colon'])).toThrow(/letters, digits/);
  });
});
