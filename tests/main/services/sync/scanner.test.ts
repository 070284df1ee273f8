import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher, loadIgnoreMatcher } from '../../../../src/main/services/sync/ignore';
import { IndexDb } from '../../../../src/main/services/sync/index-db';
import { AWS_CLI_PART_SIZE } from '../../../../src/main/services/s3/content-hash';
import { indexHashes, scanFolder } from '../../../../src/main/services/sync/scanner';
import { tempFolder } from './harness';

describe('ignore rules', () => {
  it('ignores the built-ins, pair patterns and .s3dropignore, and keeps ordinary files', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, '.s3dropignore'), '# comment\nbuild/\n*.log\n');
    const ig = await loadIgnoreMatcher(dir, ['secret-*']);
    for (const p of ['.DS_Store', 'a/Thumbs.db', 'desktop.ini', '~$report.docx', 'x.tmp', '.x.swp', 'dl.part', 'dl.crdownload', '.git/config', 'build/out.js', 'a/b.log', 'secret-plan.txt'])
      expect(ig(p), p).toBe(true);
    expect(ig('.git', true)).toBe(true);
    for (const p of ['report.docx', 'a/b.txt', 'logbook.txt', 'git/readme']) expect(ig(p), p).toBe(false);
    expect(createIgnoreMatcher([])('builder/x')).toBe(false);
  });

  it("names its rules: the same pair patterns and file give the same text, an edit to either another (a pass then scans instead of trusting the index's files)", async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, '.s3dropignore'), '*.log\n');
    const rules = (await loadIgnoreMatcher(dir, ['secret-*'])).rules;
    expect((await loadIgnoreMatcher(dir, ['secret-*'])).rules).toBe(rules);
    expect((await loadIgnoreMatcher(dir, ['secret-*', 'b'])).rules).not.toBe(rules);
    writeFileSync(join(dir, '.s3dropignore'), '*.log\n*.tmp2\n');
    expect((await loadIgnoreMatcher(dir, ['secret-*'])).rules).not.toBe(rules);
  });
});

describe('scanner', () => {
  it('hashes files once, reusing the index while size and mtime hold', async () => {
    const dir = tempFolder();
    const data = tempFolder();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'beta');
    const index = new IndexDb(join(data, 'i.sqlite'));
    const first = await scanFolder(dir, { ignore: createIgnoreMatcher([]), index });
    expect(first.hashed).toBe(2);
    expect(first.files.map((f) => f.key).sort()).toEqual(['a.txt', 'sub/b.txt']);
    expect(first.files.find((f) => f.key === 'a.txt')!.sha256).toBe(createHash('sha256').update('alpha').digest('hex'));
    const second = await scanFolder(dir, { ignore: createIgnoreMatcher([]), index });
    expect(second.hashed).toBe(0);
    writeFileSync(join(dir, 'a.txt'), 'ALPHA');
    utimesSync(join(dir, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    const third = await scanFolder(dir, { ignore: createIgnoreMatcher([]), index });
    expect(third.hashed).toBe(1);
    expect(third.files.find((f) => f.key === 'a.txt')!.md5).toBe(createHash('md5').update('ALPHA').digest('hex'));
    index.close();
  });

  it('computes the multipart ETag the AWS CLI would give a file of 8 MiB or more', async () => {
    const dir = tempFolder();
    const path = join(dir, 'big.bin');
    const buf = Buffer.alloc(AWS_CLI_PART_SIZE + 10, 7);
    writeFileSync(path, buf);
    const h = await indexHashes(path, buf.length);
    const parts = [buf.subarray(0, AWS_CLI_PART_SIZE), buf.subarray(AWS_CLI_PART_SIZE)].map((p) => createHash('md5').update(p).digest());
    expect(h.mpEtag).toBe(`${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-2`);
    expect(h.md5).toBe(createHash('md5').update(buf).digest('hex'));
  });

  it('reports an NFC/NFD pair instead of merging it, and NFC-normalises keys', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, 'caf\u00e9.txt'), 'nfc');
    writeFileSync(join(dir, 'cafe\u0301.txt'), 'nfd');
    writeFileSync(join(dir, 'pre\u0301.txt'), 'only nfd');
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key)).toEqual(['pr\u00e9.txt']);
    expect(scan.files[0]!.rel).toBe('pre\u0301.txt');
    expect(scan.problems.filter((p) => p.kind === 'name-collision').map((p) => p.path)).toEqual(['caf\u00e9.txt']);
  });

  it('reports case collisions and keys over 1,024 bytes', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), '1');
    writeFileSync(join(dir, 'A.txt'), '2');
    const deep = join(dir, 'x'.repeat(200), 'y'.repeat(200), 'z'.repeat(200), 'w'.repeat(200));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, `${'v'.repeat(230)}.txt`), 'long');
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key).sort()).toEqual(['A.txt', 'a.txt']);
    expect(scan.problems.map((p) => p.kind).sort()).toEqual(['case-collision', 'key-too-long']);
    // The name it collides with travels along, so the UI can say it in either language.
    const clash = scan.problems.find((p) => p.kind === 'case-collision')!;
    expect([clash.path, clash.other].sort()).toEqual(['A.txt', 'a.txt']);
  });

  it('reports a name a bucket cannot take (macOS Icon\\r, a tab) instead of failing, and keeps the rest', async () => {
    const dir = tempFolder();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'Icon\r'), '');
    writeFileSync(join(dir, 'sub', 'tab\there.txt'), 't');
    writeFileSync(join(dir, 'sub', 'ok.txt'), 'ok');
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key)).toEqual(['sub/ok.txt']);
    expect(scan.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual(['name-invalid Icon\r', 'name-invalid sub/tab\there.txt']);
  });

  it('ends the scan on a symlink loop and never follows a link out of the folder (a fake ~/.aws/credentials)', async () => {
    const home = tempFolder();
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_secret_access_key = SECRETSECRET\n');
    const dir = join(home, 'Sync');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'ok.txt'), 'ok');
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'b', 'loop'));
    symlinkSync(join(home, '.aws', 'credentials'), join(dir, 'credentials'));
    symlinkSync(join(home, '.aws'), join(dir, 'aws-dir'));
    writeFileSync(join(dir, 'real.txt'), 'inside');
    symlinkSync(join(dir, 'real.txt'), join(dir, 'alias.txt'));
    // Two links that lead to each other, and one to nothing: a loop, and a broken link.
    symlinkSync('ping', join(dir, 'pong'));
    symlinkSync('pong', join(dir, 'ping'));
    symlinkSync('gone.txt', join(dir, 'dangling'));
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key).sort()).toEqual(['a/b/ok.txt', 'alias.txt', 'real.txt']);
    expect(scan.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual([
      'symlink-loop a/b/loop',
      'symlink-loop ping',
      'symlink-loop pong',
      'symlink-outside aws-dir',
      'symlink-outside credentials',
      'unreadable dangling',
    ]);
    expect(scan.problems.find((p) => p.path === 'ping')?.reason).toBe('link loops back on itself');
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toContain('SECRET');
  });
});

describe.skipIf(process.platform === 'win32')('a second way to a folder', () => {
  it('takes a folder under its own name, and says a link beside it is another way to it, not a loop', async () => {
    const dir = tempFolder();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.txt'), 'x');
    // 'a-link' sorts before 'sub', as in the report ('subl -> sub' walked first in some folders).
    symlinkSync('sub', join(dir, 'a-link'));
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key)).toEqual(['sub/x.txt']);
    expect(scan.problems.map((p) => [p.path, p.reason])).toEqual([['a-link', 'link to a folder that is already included under its own name']]);
  });
});

describe.skipIf(process.platform === 'win32')('entries that are not files', () => {
  it('reports a pipe and a link to it instead of dropping them without a word, and keeps the rest', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    execFileSync('mkfifo', [join(dir, 'queue.fifo')]);
    symlinkSync('queue.fifo', join(dir, 'to-queue'));
    const scan = await scanFolder(dir, { ignore: createIgnoreMatcher([]) });
    expect(scan.files.map((f) => f.key)).toEqual(['a.txt']);
    expect(scan.problems.map((p) => [p.path, p.kind, p.reason]).sort()).toEqual([
      ['queue.fifo', 'unreadable', 'not a file (a pipe, a socket or a device)'],
      ['to-queue', 'unreadable', 'not a file (a pipe, a socket or a device)'],
    ]);
  });
});

describe('index database', () => {
  it('survives a reopen, and a damaged file is moved aside and rebuilt', () => {
    const data = tempFolder();
    const file = join(data, 'sync', 'p.sqlite');
    const db = new IndexDb(file);
    db.putSynced({ key: 'k', etag: 'e', size: 1, sha256: 's' });
    db.putFile({ key: 'k', rel: 'k', size: 1, mtimeMs: 1.5, sha256: 's', md5: 'm' });
    db.close();
    const again = new IndexDb(file);
    expect(again.getSynced('k')).toEqual({ key: 'k', etag: 'e', size: 1, sha256: 's' });
    expect(again.getFile('k')?.mtimeMs).toBe(1.5);
    again.close();
    writeFileSync(file, Buffer.alloc(8192, 0x41));
    const rebuilt = new IndexDb(file);
    expect(rebuilt.rebuiltFrom).toMatch(/\.corrupt-\d+$/);
    expect(readFileSync(rebuilt.rebuiltFrom!).subarray(0, 4).toString()).toBe('AAAA');
    expect(rebuilt.getSynced('k')).toBeUndefined();
    rebuilt.putSynced({ key: 'k2', etag: 'e', size: 1, sha256: 's' });
    expect(rebuilt.allSynced().size).toBe(1);
    rebuilt.close();
  });
});
