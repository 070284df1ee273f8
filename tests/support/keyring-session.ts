/**
 * Starts a private D-Bus session with an unlocked gnome-keyring for the current test worker, so the
 * keychain tests reach a real Secret Service even when the suite was not started inside one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { missingPrograms } from './programs';

/** A running session: its bus address and a stop function. */
export interface KeyringSession {
  address: string;
  stop(): void;
}

/** Starts `dbus-run-session` + `gnome-keyring-daemon --unlock`; resolves undefined when they are not installed. */
export async function startKeyringSession(timeoutMs = 20_000): Promise<KeyringSession | undefined> {
  let child: ChildProcess;
  const dataHome = mkdtempSync(join(tmpdir(), 's3drop-keyring-'));
  // Its own runtime folder too: it holds the daemon's control socket, and a shared one makes a second session's
  // daemon hand its work to the first and die with it. mkdtemp makes it 0700, as the daemon requires.
  const runtimeDir = mkdtempSync(join(tmpdir(), 's3drop-keyring-run-'));
  try {
    child = spawn(
      'dbus-run-session',
      // The session lives until our stdin closes, so a crashed test worker leaves no daemons behind.
      ['--', 'bash', '-c', 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; echo "ADDR=$DBUS_SESSION_BUS_ADDRESS"; read -r _ || true'],
      // A keyring folder of its own: parallel sessions sharing ~/.local/share/keyrings overwrite each other's file.
      { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: { ...process.env, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir } },
    );
  } catch {
    return undefined;
  }
  const address = await new Promise<string | undefined>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ADDR=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const stop = () => {
    child.stdin?.end();
    setTimeout(() => {
      for (const dir of [dataHome, runtimeDir]) rmSync(dir, { recursive: true, force: true });
    }, 1000).unref();
    try {
      // The whole group: dbus-daemon, the keyring daemon and the sleeping shell.
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  if (!address) {
    stop();
    return undefined;
  }
  return { address, stop };
}

const root = resolve(import.meta.dirname, '../..');
const probe = `const { AsyncEntry } = require(${JSON.stringify(join(root, 'node_modules/@napi-rs/keyring'))});
new AsyncEntry('S3 Drop', '__probe__', { linux: { store: 'secret-service' } }).getPassword().then(() => process.exit(0), () => process.exit(1));`;

/** Probed in a child process: a failed first connection would stay cached in this one. */
export function secretServiceReachable(): boolean {
  return spawnSync(join(root, 'node_modules/.bin/node'), ['-e', probe], { env: process.env, timeout: 15_000 }).status === 0;
}

/** What a private keychain session needs (tests/support/keyring-session.*). */
export const keyringSessionPrograms = ['dbus-run-session', 'gnome-keyring-daemon'];

/**
 * Why tests that start their own gnome-keyring cannot run on this machine (one line, saying how to run them),
 * or undefined when they can. The global setup prints it once per run; such tests skip on it.
 */
export function keychainSkipReason(path = process.env.PATH): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const missing = missingPrograms(keyringSessionPrograms, path);
  if (missing.length === 0) return undefined;
  return `Keychain tests skipped: ${missing.join(' and ')} not installed. To run them: apt-get install gnome-keyring dbus-x11, then npm run test:keychain.`;
}

/**
 * Makes sure this worker reaches a Secret Service: the one it already has, or a private session it
 * starts (setting DBUS_SESSION_BUS_ADDRESS before any keychain call). Where gnome-keyring is not installed
 * it skips quietly (the global setup has said why, once); when it is installed but fails, it warns loudly.
 */
export async function ensureSecretService(): Promise<{ reachable: boolean; stop(): void }> {
  if (process.platform !== 'linux') return { reachable: true, stop() {} };
  if (process.env.DBUS_SESSION_BUS_ADDRESS && secretServiceReachable()) return { reachable: true, stop() {} };
  if (keychainSkipReason()) return { reachable: false, stop() {} };
  const session = await startKeyringSession();
  if (session) process.env.DBUS_SESSION_BUS_ADDRESS = session.address;
  const reachable = Boolean(session) && secretServiceReachable();
  if (!reachable) {
    console.warn('\n!!!!!!!! KEYCHAIN TESTS SKIPPED: no Secret Service reachable and gnome-keyring could not be started. Run `npm run test:keychain`. !!!!!!!!\n');
  }
  return { reachable, stop: () => session?.stop() };
}
