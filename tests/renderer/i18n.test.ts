/** The UI catalogues: identical key sets in both languages, every used key exists, no text hard-coded in JSX. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/i18n/en.json';
import ptBR from '../../src/renderer/i18n/pt-BR.json';
import { resolveLanguage } from '../../src/renderer/i18n';

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

describe('UI catalogues', () => {
  const enKeys = keysOf(en).sort();
  const ptKeys = keysOf(ptBR).sort();

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

  it('contain every notice key the engine sends with app:notice', () => {
    const mainDir = resolve(import.meta.dirname, '../../src/main');
    const keys = readdirSync(mainDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .flatMap((e) => [...readFileSync(join(e.parentPath, e.name), 'utf8').matchAll(/'app:notice',\s*\{[^}]*?\bkey: '([\w.-]+)'/g)].map((m) => m[1]!));
    const missing = keys.filter((k) => typeof lookup(en, k) !== 'string' || typeof lookup(ptBR, k) !== 'string');
    expect(missing).toEqual([]);
  });

  it('cover every state and kind that keys are built from at run time', () => {
    const dynamic: Record<string, string[]> = {
      'transfers.state': ['queued', 'running', 'paused', 'done', 'skipped', 'failed', 'cancelled', 'waiting-auth'],
      'sync.state': ['watching', 'scanning', 'syncing', 'up-to-date', 'paused', 'error', 'needs-confirmation'],
      profileKind: ['keys', 'sso', 'role', 'process', 'web-identity', 'instance', 'environment'],
      'settings.languages': ['system', 'en', 'pt-BR'],
      'settings.themes': ['system', 'light', 'dark'],
      'settings.existingActions': ['overwrite', 'skip-identical', 'keep-both'],
      'sync.modes': ['upload-only', 'mirror'],
      'transfers.expiry': ['hour', 'day', 'week'],
      'app.nav': ['main', 'sync', 'settings'],
      'addProfile.presets': ['minio', 'r2', 'b2', 'wasabi', 'custom'],
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
