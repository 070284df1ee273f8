/**
 * The one "Copy link" of the app: a presigned GET link with a lifetime choice, copied to the clipboard and shown to
 * copy by hand. A finished transfer's row and the properties panel both use it; each places the pieces in its layout.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStoreApi } from '../state/store';
import { useCommand } from '../state/use-command';

/** Presigned link lifetimes offered by "Copy link". */
export const EXPIRIES = { hour: 3600, day: 86400, week: 604800 } as const;

/** A lifetime choice. */
export type Expiry = keyof typeof EXPIRIES;

/** The object a link is for. */
export interface ShareTarget {
  profileId: string;
  bucket: string;
  key: string;
}

/** The state of one "Copy link": the chosen lifetime, the link once made, and the action that makes and copies it. */
export function useShareLink(target: ShareTarget) {
  const { t } = useTranslation();
  const store = useStoreApi();
  // A button has no room for a message: refusals are toasts.
  const { run } = useCommand({ toast: true });
  const [expiry, setExpiry] = useState<Expiry>('day');
  const [link, setLink] = useState<string | null>(null);

  const copy = async () => {
    const res = await run('objects:presign', { ...target, expiresInSeconds: EXPIRIES[expiry] });
    if (!res.ok) return;
    setLink(res.value);
    try {
      await navigator.clipboard.writeText(res.value);
      store.toast({ level: 'success', key: 'transfers.linkCopied', params: { expiry: t(`transfers.expiry.${expiry}`) } });
    } catch {
      // No clipboard permission (some browsers): the link is shown to copy by hand.
    }
  };
  return { expiry, setExpiry, link, copy };
}

/** The lifetime select with its (visually hidden) label. */
export function ExpirySelect({ id, value, onChange }: { id: string; value: Expiry; onChange: (e: Expiry) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {t('transfers.linkFor')}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Expiry)}>
        {(Object.keys(EXPIRIES) as Expiry[]).map((k) => (
          <option key={k} value={k}>
            {t(`transfers.expiry.${k}`)}
          </option>
        ))}
      </select>
    </>
  );
}

/** The made link, selected on focus to copy by hand. */
export function LinkOutput({ link, expiry }: { link: string; expiry: Expiry }) {
  const { t } = useTranslation();
  return (
    <input
      className="link-output"
      readOnly
      value={link}
      aria-label={t('transfers.linkReady', { expiry: t(`transfers.expiry.${expiry}`) })}
      data-testid="link-output"
      onFocus={(e) => e.currentTarget.select()}
    />
  );
}
