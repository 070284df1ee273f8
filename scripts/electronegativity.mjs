// `npm run lint:electron`: runs @doyensec/electronegativity over src/ and fails on any finding that is not
// explained in .electronegativity-allowlist.json (each entry: check, file, a snippet of the flagged code,
// and the reviewed reason). Stale entries are reported so the list stays honest.
// The AVAILABLE_SECURITY_FIXES check is skipped: it downloads Electron's release list at run time, which
// CI cannot reach; Electron upgrades are tracked through package.json instead.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const run = require('@doyensec/electronegativity');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const allowlist = JSON.parse(readFileSync(join(root, '.electronegativity-allowlist.json'), 'utf8')).entries;

/** Runs the scan and sorts findings into explained and unexplained. */
export async function scan(input = join(root, 'src')) {
  const result = await run({
    input,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    customScan: [],
    parserPlugins: [],
  });
  const used = new Set();
  const unexplained = [];
  for (const issue of result.issues) {
    const sample = String(issue.sample ?? '');
    const i = allowlist.findIndex((e) => e.check === issue.id && e.file === issue.file && (!e.match || sample.includes(e.match) || issue.description?.includes?.(e.match)));
    if (i >= 0) used.add(i);
    else unexplained.push(issue);
  }
  const stale = allowlist.filter((_, i) => !used.has(i));
  return { issues: result.issues, errors: result.errors, unexplained, stale };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // An optional folder argument scans something else (the test uses it to prove the gate can fail).
  const { issues, errors, unexplained, stale } = await scan(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const e of errors ?? []) console.warn(`electronegativity could not parse ${e.file}: ${e.message ?? e.error ?? ''}`);
  for (const e of stale) console.warn(`allowlist entry matches nothing (remove it?): ${e.check} ${e.file} ${e.match ?? ''}`);
  for (const i of unexplained) {
    console.error(`${i.id} [${i.severity?.name ?? i.severity}] ${i.file}:${i.location?.line}:${i.location?.column}\n  ${String(i.sample ?? '').slice(0, 200)}\n  ${i.description}`);
  }
  console.log(`electronegativity: ${issues.length} finding(s), ${issues.length - unexplained.length} explained in the allowlist, ${unexplained.length} not`);
  process.exit(unexplained.length > 0 ? 1 : 0);
}
