/**
 * Starts a private D-Bus session with an unlocked gnome-keyring for the current test worker, so the
 * keychain tests reach a real Secret Service even when the suite was not started inside one.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running session: its bus address and a stop function. */
export interface KeyringSession {
  address: string;
  stop(): void;
}

/** Starts `dbus-run-session` + `gnome-keyring-daemon --unlock`; resolves undefined when they are not installed. */
export async function startKeyringSession(timeoutMs = 20_000): Promise<KeyringSession | undefined> {
  let child: ChildProcess;
  try {
    child = spawn(
      'dbus-run-session',
      ['--', 'bash', '-c', 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; echo "ADDR=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 100000'],
      { stdio: ['ignore', 'pipe', 'ignore'], detached: true },
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
