/** The UI catalogues: identical key sets in both languages, every used key exists, no text hard-coded in JSX. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/i18n/en.json';
import ptBR from '../../src/renderer/i18n/pt-BR.json';
import { createI18n, resolveLanguage } from '../../src/renderer/i18n';
import { syncProblemKinds } from '../../src/shared/contract/sync';

const rendererDir = resolve(import.meta.dirname, '../../src/renderer');

/** Flattens a nested catalogue into dotted keys. */
function keysOf(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function lookup(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function sources(ext: RegExp): { file: string; text: string }[] {
  return readdirSync(rendererDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => ({ file: join(e.parentPath, e.name), text: readFileSync(join(e.parentPath, e.name), 'utf8') }));
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/**
 * Every UI-catalogue key the non-renderer code sends in a notice ('app:notice' or a `{ level, key }` literal built
 * first and emitted later), with the names of the params it passes alongside.
 */
function engineNotices(): { file: string; key: string; params: string[] }[] {
  const out: { file: string; key: string; params: string[] }[] = [];
  for (const dir of ['main', 'server', 'cli']) {
    const root = resolve(import.meta.dirname, '../../src', dir);
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.ts')) continue;
      const file = join(e.parentPath, e.name);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bkey: '([\w-]+\.[\w.-]+)'/g)) {
        const before = text.slice(Math.max(0, m.index - 200), m.index);
        if (!/'app:notice'|\blevel: '(?:info|success|warning|error)'[^;]*$/.test(before)) continue;
        const rest = text.slice(m.index).split(/\);|\};/)[0]!;
        const list = /\bparams: \{([^}]*)\}/.exec(rest)?.[1] ?? '';
        const params = list.split(',').map((p) => p.split(':')[0]!.trim()).filter((p) => /^\w+$/.test(p));
        out.push({ file, key: m[1]!, params });
      }
    }
  }
  return out;
}

describe('UI catalogues', () => {
  const enKeys = keysOf(en).sort();
  // Portuguese alone has `_zero` forms: CLDR puts 0 with "one" in pt-BR ("0 arquivo"), and people write "0 arquivos".
  const ptKeys = keysOf(ptBR)
    .filter((k) => !k.endsWith('_zero'))
    .sort();

  it('have the same keys in English and Portuguese', () => {
    expect(enKeys.length).toBeGreaterThan(100);
    expect(ptKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !ptKeys.includes(k))).toEqual([]);
  });

  it('have no empty text and the same {{placeholders}} in both languages', () => {
    for (const key of enKeys) {
      const e = lookup(en, key) as string;
      const p = lookup(ptBR, key) as string;
      expect(e.trim(), key).not.toBe('');
      expect(p.trim(), key).not.toBe('');
      expect(placeholders(p), key).toEqual(placeholders(e));
    }
  });

  it('contain every literal key the components use', () => {
    const used = new Set<string>();
    for (const { text } of sources(/\.tsx?$/)) {
      for (const m of text.matchAll(/\bt\(\s*'([\w.-]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bkey: '([\w.-]+\.[\w.-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(80);
    const missing = [...used].filter((k) => typeof lookup(en, k) !== 'string' || typeof lookup(ptBR, k) !== 'string');
    expect(missing).toEqual([]);
  });

  it('contain every notice key the engine, the server and the CLI send, with text for every param they pass', () => {
    const notices = engineNotices();
    // The scan itself works: the sync engine's conflict notice is found, with its params.
    expect(notices).toContainEqual({ file: expect.stringContaining('executor.ts'), key: 'sync.conflicts', params: ['count', 'folder'] });
    const problems: string[] = [];
    for (const { file, key, params } of notices) {
      for (const [lang, catalogue] of [['en', en], ['pt-BR', ptBR]] as const) {
        // i18next picks `key_one` etc. when `count` is passed and falls back to the bare key, so check every form.
        const forms = [key, ...['zero', 'one', 'two', 'few', 'many', 'other'].map((f) => `${key}_${f}`)].filter((k) => typeof lookup(catalogue, k) === 'string');
        if (typeof lookup(catalogue, key) !== 'string') problems.push(`${file}: ${key} missing in ${lang}`);
        for (const form of forms) {
          const unfilled = placeholders(lookup(catalogue, form) as string).filter((name) => !params.includes(name!));
          if (unfilled.length > 0) problems.push(`${file}: ${lang} ${form} needs {{${unfilled.join('}}, {{')}}} that the notice does not send`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('say 0 in the plural in Portuguese ("0 arquivos", not "0 arquivo"), for every text that has a form for one', () => {
    const portuguese = createI18n('pt-BR');
    expect([0, 1, 2].map((count) => portuguese.t('sync.files', { count }))).toEqual(['0 arquivos', '1 arquivo', '2 arquivos']);
    const all = keysOf(ptBR);
    expect(all.filter((k) => k.endsWith('_one') && !all.includes(k.replace(/_one$/, '_zero')))).toEqual([]);
  });

  it('word the conflict notice for one file and for many, in both languages', () => {
    const english = createI18n('en');
    const portuguese = createI18n('pt-BR');
    const one = { count: 1, folder: '/home/ana/Fotos' };
    const many = { count: 3, folder: '/home/ana/Fotos' };
    expect(english.t('sync.conflicts', one)).toMatch(/^1 file in \/home\/ana\/Fotos was also changed/);
    expect(english.t('sync.conflicts', many)).toMatch(/^3 files in \/home\/ana\/Fotos were also changed/);
    expect(portuguese.t('sync.conflicts', one)).toMatch(/^1 arquivo em \/home\/ana\/Fotos também foi alterado/);
    expect(portuguese.t('sync.conflicts', many)).toMatch(/^3 arquivos em \/home\/ana\/Fotos também foram alterados/);
  });

  it('word the notice about objects kept as the bucket has them, for one file and for many, in both languages', () => {
    const english = createI18n('en');
    const portuguese = createI18n('pt-BR');
    expect(english.t('sync.keptRemote', { count: 1, folder: '/f' })).toMatch(/^1 file in \/f was changed in the bucket since the last sync\. S3 Drop kept the bucket’s copy:/);
    expect(english.t('sync.keptRemote', { count: 2, folder: '/f' })).toMatch(/^2 files in \/f were changed in the bucket .* kept the bucket’s copies:/);
    expect(portuguese.t('sync.keptRemote', { count: 1, folder: '/f' })).toMatch(/^1 arquivo em \/f foi alterado no bucket .* manteve a cópia do bucket:/);
    expect(portuguese.t('sync.keptRemote', { count: 0, folder: '/f' })).toMatch(/^0 arquivos em \/f foram alterados/);
  });

  it('cover every state and kind that keys are built from at run time', () => {
    const dynamic: Record<string, string[]> = {
      'transfers.state': ['queued', 'running', 'paused', 'done', 'skipped', 'failed', 'cancelled', 'waiting-auth', 'waiting-network', 'waiting-answer'],
      'sync.state': ['watching', 'scanning', 'syncing', 'up-to-date', 'paused', 'error', 'needs-confirmation'],
      profileKind: ['keys', 'sso', 'role', 'process', 'web-identity', 'instance', 'environment'],
      'settings.languages': ['system', 'en', 'pt-BR'],
      'settings.themes': ['system', 'light', 'dark'],
      'settings.existingActions': ['ask', 'overwrite', 'skip-identical', 'keep-both'],
      'sync.modes': ['upload-only', 'mirror'],
      'transfers.expiry': ['hour', 'day', 'week'],
      'transfers.count': ['running', 'queued', 'paused', 'done', 'failed', 'cancelled'],
      'app.nav': ['main', 'sync', 'settings'],
      'addProfile.presets': ['minio', 'r2', 'b2', 'wasabi', 'custom'],
      'sync.problem': [...syncProblemKinds],
    };
    for (const [base, values] of Object.entries(dynamic)) {
      for (const v of values) {
        expect(typeof lookup(en, `${base}.${v}`), `${base}.${v}`).toBe('string');
        expect(typeof lookup(ptBR, `${base}.${v}`), `${base}.${v}`).toBe('string');
      }
    }
  });
});

describe('no hard-coded UI text', () => {
  it('has no words between JSX tags or in user-facing string attributes', () => {
    const offenders: string[] = [];
    for (const { file, text } of sources(/\.tsx$/)) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      // Text children: `>Words<` on one line, outside {expressions}.
      for (const m of code.matchAll(/>([^<>{}\n]*[A-Za-zÀ-ÿ]{2,}[^<>{}\n]*)<\//g)) offenders.push(`${file}: >${m[1]}<`);
      // Text that starts a line inside an element, e.g. a bare word on its own line between tags.
      for (const m of code.matchAll(/>\s*\n\s*([A-Za-zÀ-ÿ][^<>{}\n]*)\n\s*</g)) offenders.push(`${file}: ${m[1]}`);
      for (const m of code.matchAll(/\b(aria-label|placeholder|title|alt)="([^"]*[A-Za-z]{2,}[^"]*)"/g)) offenders.push(`${file}: ${m[1]}="${m[2]}"`);
    }
    expect(offenders).toEqual([]);
  });

  it('catches a hard-coded string when one is there (the scan itself works)', () => {
    const sample = '<button type="button">\n  Upload now\n</button>\n<p>Hello there</p>\n<input placeholder="Type here" />';
    const hits = [...sample.matchAll(/>([^<>{}\n]*[A-Za-zÀ-ÿ]{2,}[^<>{}\n]*)<\//g), ...sample.matchAll(/>\s*\n\s*([A-Za-zÀ-ÿ][^<>{}\n]*)\n\s*</g), ...sample.matchAll(/\b(placeholder)="([^"]*[A-Za-z]{2,}[^"]*)"/g)];
    expect(hits.length).toBe(3);
  });
});

describe('language choice', () => {
  it('follows the setting, and the browser preference for "system"', () => {
    expect(resolveLanguage('pt-BR', ['en-US'])).toBe('pt-BR');
    expect(resolveLanguage('en', ['pt-BR'])).toBe('en');
    expect(resolveLanguage('system', ['pt-PT', 'en'])).toBe('pt-BR');
    expect(resolveLanguage('system', ['de-DE'])).toBe('en');
  });
});
