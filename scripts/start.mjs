// `npm start`: builds, then opens the desktop app in Electron. Where Electron cannot open a window (its program
// could not be downloaded because of a proxy, an offline mirror or no network; it cannot run here; there is no
// display) it says so in one sentence, with what to do, and starts the same app in browser mode instead
// (`s3-drop serve`), printing its address and opening it in the system's browser (BROWSER is honoured; BROWSER=none
// opens nothing). `--no-build` starts what out/ already holds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** The first line of a child's error output, without the error class (e.g. "fetch failed"). */
function firstLine(text) {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'no reason given';
  return line.trim().replace(/^\w*Error: /, '');
}

/** Whether electron's own check would find its program without downloading it (the same files it looks at). */
function electronInstalled(dir) {
  const pathFile = join(dir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')));
}

/** What it takes to get the desktop window after an Electron download failed. */
const downloadAdvice = 'to get the desktop window, allow downloads from github.com (or set ELECTRON_MIRROR to a mirror you can reach), then run npm start again';

/**
 * Electron's program as `{ path }`, or `{ problem }`: one sentence on what happened and what to do. Electron's
 * package downloads its program on first use and throws a stack trace when it cannot, so the download is done here
 * first, its output kept back, and only its reason shown.
 */
function findElectron() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { problem: 'There is no display here for the desktop window (neither DISPLAY nor WAYLAND_DISPLAY is set), so S3 Drop starts in your web browser instead' };
  }
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { problem: 'Electron is not installed, so S3 Drop starts in your web browser instead; run npm install, then npm start again' };
  }
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !electronInstalled(dir)) {
    console.log('Downloading Electron, once…');
    const download = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
    if (download.status !== 0) {
      return { problem: `Electron's program could not be downloaded (${firstLine(download.stderr ?? '')}), so S3 Drop starts in your web browser instead; ${downloadAdvice}` };
    }
  }
  try {
    return { path: require('electron') };
  } catch (err) {
    return { problem: `Electron's program could not be found (${firstLine(String(err))}), so S3 Drop starts in your web browser instead; ${downloadAdvice}` };
  }
}

/**
 * Runs `command` in a process group of its own and passes Ctrl-C and termination on to it. Its own group, because a
 * Ctrl-C reaches this script twice (from the terminal and again from npm): a second signal right after the first is
 * that same press, and passing it on would make serve quit at once instead of stopping cleanly.
 */
function spawnForwarding(command, args, stdout) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', stdout, 'inherit'], detached: true });
  let last = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      if (child.exitCode === null) child.kill(signal);
    });
  }
  return child;
}

/** The command that opens `url` in the system's browser, or undefined when there is none to try. */
function browserCommand(url, env = process.env, platform = process.platform) {
  if (env.BROWSER) {
    if (env.BROWSER === 'none') return undefined;
    // As other tools read it: a list of commands (the first is used), `%s` standing for the address, else appended.
    const words = env.BROWSER.split(delimiter)[0].trim().split(/\s+/);
    const args = words.slice(1).map((w) => w.replace('%s', url));
    return { command: words[0], args: env.BROWSER.includes('%s') ? args : [...args, url] };
  }
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return { command: 'xdg-open', args: [url] };
}

/** Opens `url` in the system's browser; says to open it by hand when that cannot be done. */
function openBrowser(url) {
  const byHand = () => console.log('Open that address in your web browser.');
  const how = browserCommand(url);
  if (!how) return byHand();
  const opener = spawn(how.command, how.args, { stdio: 'ignore', detached: true });
  opener.on('error', byHand);
  opener.on('exit', (code) => code !== 0 && byHand());
  opener.unref();
}

/** Browser mode: `s3-drop serve`, whose address line passes through; exits when it does. */
function startBrowserMode() {
  const serve = spawnForwarding(process.execPath, [join(root, 'out/cli/index.js'), 'serve'], 'pipe');
  let out = '';
  serve.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (out === undefined) return;
    out += chunk;
    const address = /S3 Drop is running at (\S+)/.exec(out)?.[1];
    if (address) {
      out = undefined; // opened once
      openBrowser(address);
    }
  });
  serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

/** Says why the desktop window cannot open (one sentence ending in what to do) and starts browser mode. */
function fallBack(problem) {
  console.log(`${problem}.`);
  startBrowserMode();
}

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const electron = findElectron();
if (electron.problem) {
  fallBack(electron.problem);
} else {
  const app = spawnForwarding(electron.path, ['.'], 'inherit');
  let failed = false;
  app.on('error', (err) => {
    failed = true;
    fallBack(`Electron could not be started (${err.code ?? err.message}), so S3 Drop starts in your web browser instead; ${downloadAdvice}`);
  });
  app.on('exit', (code, signal) => {
    if (failed) return;
    // 127: the system could not load the program (a library it needs is missing), before any of the app ran.
    if (code === 127) fallBack('Electron could not run on this system (a library it needs is missing), so S3 Drop starts in your web browser instead');
    else process.exit(code ?? (signal ? 0 : 1));
  });
}
