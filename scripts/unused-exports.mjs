// Lists the exports under src/ that no other file in src/ uses, with who does use them ("self": only their own
// file, so the `export` can go unless the name is part of an exported signature; "tests"/"bench": only those,
// which count only when the export is a deliberate test seam). Nothing listed at all means dead code.
// Run: node_modules/.bin/node scripts/unused-exports.mjs   (reads both TypeScript projects; writes nothing)
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const usersOf = new Map();

for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, project), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const service = ts.createLanguageService({
    getScriptFileNames: () => config.fileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  const program = service.getProgram();
  const checker = program.getTypeChecker();
  for (const file of program.getSourceFiles()) {
    const rel = relative(root, file.fileName);
    const module = rel.startsWith('src/') ? checker.getSymbolAtLocation(file) : undefined;
    if (!module) continue;
    for (const exported of checker.getExportsOfModule(module)) {
      const decl = exported.declarations?.[0];
      // Re-exports are counted where they are declared.
      if (!decl || decl.getSourceFile() !== file) continue;
      const at = (decl.name ?? decl).getStart();
      const users = usersOf.get(`${rel}:${exported.name}`) ?? new Set();
      for (const ref of service.findReferences(file.fileName, at) ?? []) {
        for (const r of ref.references) {
          if (r.isDefinition) continue;
          const where = relative(root, r.fileName);
          users.add(where === rel ? 'self' : where.split('/')[0]);
        }
      }
      usersOf.set(`${rel}:${exported.name}`, users);
    }
  }
}

for (const [name, users] of [...usersOf].sort()) if (!users.has('src')) console.log(`${name}\t${[...users].join(',') || '(no users)'}`);
