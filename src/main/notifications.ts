/**
 * The end-of-batch notifications. Electron's notification docs warn that once a `Notification` object is
 * garbage-collected its events stop firing (and on macOS the notification can vanish), so a click would no
 * longer open the window: every shown notification stays referenced here until it is clicked, closed or fails.
 */
import type { Notification as ElectronNotification, NotificationConstructorOptions } from 'electron';

/** The parts of Electron's `Notification` instance used here, typed from Electron's own declarations. */
export type NotificationLike = Pick<ElectronNotification, 'show' | 'close'> & {
  once(event: 'click', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  once(event: 'failed', listener: () => void): unknown;
};

/** The parts of Electron's `Notification` class used here. */
export interface NotificationClassLike<N extends NotificationLike> {
  new (options: NotificationConstructorOptions): N;
  isSupported(): boolean;
}

/** At most this many are held; older ones are closed, so an app left running for weeks does not collect them. */
export const MAX_LIVE_NOTIFICATIONS = 10;

/** What `createNotifier` needs. */
export interface NotifierDeps<N extends NotificationLike> {
  Notification: NotificationClassLike<N>;
  /** What a click does (bring the window back). */
  onClick(): void;
}

/** Shows notifications and keeps each one alive until the person has dealt with it. */
export interface Notifier<N extends NotificationLike> {
  /** Shows one; false when the system has no notifications. */
  show(options: Pick<NotificationConstructorOptions, 'title' | 'body'>): boolean;
  /** The notifications still on screen (held so they are not garbage-collected). */
  readonly live: ReadonlySet<N>;
}

/** Builds the notifier. */
export function createNotifier<N extends NotificationLike>(deps: NotifierDeps<N>): Notifier<N> {
  const live = new Set<N>();
  return {
    live,
    show(options) {
      if (!deps.Notification.isSupported()) return false;
      const n = new deps.Notification(options);
      live.add(n);
      const release = () => live.delete(n);
      n.once('click', () => {
        release();
        deps.onClick();
      });
      n.once('close', release);
      n.once('failed', release);
      n.show();
      for (const old of live) {
        if (live.size <= MAX_LIVE_NOTIFICATIONS) break;
        live.delete(old);
        old.close();
      }
      return true;
    },
  };
}
