/** "Copy link": a presigned link to an object, put on the clipboard, or handed back to show where there is no clipboard. */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useStoreApi } from './store';
import { useCommand } from './use-command';

/** Presigned link lifetimes offered by "Copy link". */
export const LINK_EXPIRIES = { hour: 3600, day: 86400, week: 604800 } as const;

/** The object a link points at. */
export interface LinkTarget {
  profileId: string;
  bucket: string;
  key: string;
}

/** Returns `copy(target, expiry)`: the link, or null when it could not be made (the refusal is a toast). */
export function useCopyLink(): (target: LinkTarget, expiry?: keyof typeof LINK_EXPIRIES) => Promise<string | null> {
  const { t } = useTranslation();
  const store = useStoreApi();
  // Rows have no room for a message: refusals are toasts.
  const { run } = useCommand({ toast: true });
  return useCallback(
    async (target, expiry = 'day') => {
      const res = await run('objects:presign', { ...target, expiresInSeconds: LINK_EXPIRIES[expiry] });
      if (!res.ok) return null;
      try {
        await navigator.clipboard.writeText(res.value);
        store.toast({ level: 'success', key: 'transfers.linkCopied', params: { expiry: t(`transfers.expiry.${expiry}`) } });
      } catch {
        // No clipboard permission (some browsers): the caller shows the link to copy by hand.
      }
      return res.value;
    },
    [run, store, t],
  );
}
