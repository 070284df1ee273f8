// `npm run test:electron`: the desktop journeys against the real Electron binary (tests/electron/*.test.ts,
// vitest.electron.config.ts). Where no binary can be had (CI containers, machines without a display) it says so
// in one line and exits 0, so it never blocks; developers and release runners that have Electron run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const skip = (why) => {
  console.log(`test:electron skipped: ${why}`);
  process.exit(0);
};

/**
 * Where node_modules/electron keeps its binary (path.txt names it inside dist/), as the package's own index.js
 * finds it, but without its fallback: requiring 'electron' from Node starts a download when the binary is missing.
 */
function electronBinary() {
  const dir = join(root, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
  return name ? join(dir, 'dist', name) : undefined;
}

const binary = electronBinary();
if (!binary || !existsSync(binary)) skip('no Electron binary in node_modules/electron/dist (npx install-electron, or a first npm start, downloads it)');

const args = ['vitest', 'run', '--config', join(root, 'vitest.electron.config.ts'), ...process.argv.slice(2)];
let command = join(root, 'node_modules/.bin/npx');
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  // Electron needs a display on Linux; a virtual one does when installed.
  const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
  if (!xvfb) skip('no display (set DISPLAY, or install xvfb so xvfb-run can provide one)');
  args.unshift('-a', command);
  command = xvfb;
}

const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, S3DROP_ELECTRON_BIN: binary } });
process.exit(run.status ?? 1);
