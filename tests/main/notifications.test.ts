/**
 * End-of-batch notifications stay referenced until clicked, closed or failed: Electron stops firing the
 * events of a garbage-collected Notification, so a click would no longer open the window.
 */
import { describe, expect, it } from 'vitest';
import { createNotifier, MAX_LIVE_NOTIFICATIONS } from '../../src/main/notifications';
import { fakeEvent, FakeNotification } from './fake-electron';

function setup() {
  let clicks = 0;
  const notifier = createNotifier({ Notification: FakeNotification, onClick: () => clicks++ });
  const show = (title = 'Upload finished') => {
    expect(notifier.show({ title, body: '2 file(s) uploaded.' })).toBe(true);
    return [...notifier.live].at(-1)!;
  };
  return { notifier, show, clicks: () => clicks };
}

describe('createNotifier', () => {
  it('keeps a shown notification until it is clicked, and the click opens the window', () => {
    const { notifier, show, clicks } = setup();
    const n = show();
    expect(n.shown).toBe(true);
    expect(n.options).toEqual({ title: 'Upload finished', body: '2 file(s) uploaded.' });
    expect(notifier.live.has(n)).toBe(true);
    n.click();
    expect(clicks()).toBe(1);
    expect(notifier.live.size).toBe(0);
  });

  it('lets go of a notification that was closed or could not be shown', () => {
    const { notifier, show, clicks } = setup();
    show().close();
    show().emit('failed', fakeEvent(), 'no notification server');
    expect(notifier.live.size).toBe(0);
    expect(clicks()).toBe(0);
  });

  it('shows nothing where the system has no notifications', () => {
    const { notifier } = setup();
    FakeNotification.supported = false;
    try {
      expect(notifier.show({ title: 'x', body: 'y' })).toBe(false);
    } finally {
      FakeNotification.supported = true;
    }
    expect(notifier.live.size).toBe(0);
  });

  it('holds at most the newest few, closing older ones', () => {
    const { notifier, show } = setup();
    const all = Array.from({ length: MAX_LIVE_NOTIFICATIONS + 2 }, (_, i) => show(`batch ${i}`));
    expect(notifier.live.size).toBe(MAX_LIVE_NOTIFICATIONS);
    expect(all[0]!.closed).toBe(true);
    expect(all[1]!.closed).toBe(true);
    expect(all.at(-1)!.closed).toBe(false);
    expect(notifier.live.has(all.at(-1)!)).toBe(true);
  });
});
