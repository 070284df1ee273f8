/**
 * @parcel/watcher's native binding, called without the package's entry. That entry picks the binding's package with
 * detect-libc, which loads child_process, and wraps it with picomatch and is-glob for glob and RegExp ignores: about
 * 4 ms at the start of every sync pass, for options the engine never gives (its one ignore is a plain path, `.git`).
 * Where the binding's package cannot be loaded by name, the package's own entry is used, exactly as before.
 */
import { resolve } from 'node:path';
import type * as Parcel from '@parcel/watcher';

/** What the engine gives a call: plain paths to leave out (relative to the folder) and the backend by name. */
export interface WatchOptions {
  ignore: readonly string[];
  backend?: Parcel.BackendType;
}

/** The calls the engine makes, as @parcel/watcher names them. */
export interface NativeWatcher {
  writeSnapshot(dir: string, snapshot: string, opts: WatchOptions): Promise<string>;
  getEventsSince(dir: string, snapshot: string, opts: WatchOptions): Promise<Parcel.Event[]>;
  subscribe(dir: string, fn: Parcel.SubscribeCallback, opts: WatchOptions): Promise<Parcel.AsyncSubscription>;
}

/** The binding's own functions: absolute paths, and the ignores already split into paths and globs. */
interface Binding {
  writeSnapshot(dir: string, snapshot: string, opts: object): Promise<string>;
  getEventsSince(dir: string, snapshot: string, opts: object): Promise<Parcel.Event[]>;
  subscribe(dir: string, fn: Parcel.SubscribeCallback, opts: object): Promise<void>;
  unsubscribe(dir: string, fn: Parcel.SubscribeCallback, opts: object): Promise<void>;
}

/** The options as the package's wrapper hands them to the binding, for plain-path ignores. */
function bindingOptions(dir: string, opts: WatchOptions): object {
  const { ignore, ...rest } = opts;
  return ignore.length > 0 ? { ...rest, ignorePaths: ignore.map((p) => resolve(dir, p)) } : rest;
}

/* eslint-disable @typescript-eslint/no-require-imports -- native packages are found by name at run time */
function load(): NativeWatcher {
  const name = `@parcel/watcher-${process.platform}-${process.arch}`;
  // On Linux the package is per C library; npm installs the one this system has, and the other fails to load.
  for (const pkg of process.platform === 'linux' ? [`${name}-glibc`, `${name}-musl`] : [name]) {
    let binding: Binding;
    try {
      binding = require(pkg) as Binding;
    } catch {
      continue;
    }
    return {
      writeSnapshot: (dir, snapshot, opts) => binding.writeSnapshot(resolve(dir), resolve(snapshot), bindingOptions(dir, opts)),
      getEventsSince: (dir, snapshot, opts) => binding.getEventsSince(resolve(dir), resolve(snapshot), bindingOptions(dir, opts)),
      async subscribe(dir, fn, opts) {
        const abs = resolve(dir);
        const o = bindingOptions(abs, opts);
        await binding.subscribe(abs, fn, o);
        return { unsubscribe: () => binding.unsubscribe(abs, fn, o) };
      },
    };
  }
  const parcel = require('@parcel/watcher') as typeof Parcel;
  return {
    writeSnapshot: (dir, snapshot, opts) => parcel.writeSnapshot(dir, snapshot, { ...opts, ignore: [...opts.ignore] }),
    getEventsSince: (dir, snapshot, opts) => parcel.getEventsSince(dir, snapshot, { ...opts, ignore: [...opts.ignore] }),
    subscribe: (dir, fn, opts) => parcel.subscribe(dir, fn, { ...opts, ignore: [...opts.ignore] }),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The watcher, loaded once, at the first sync module that needs it. */
export const nativeWatcher: NativeWatcher = load();
