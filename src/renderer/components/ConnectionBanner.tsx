/** The banner browser mode shows while the page has no link to the engine, so frozen numbers are never taken as live. */
import { useTranslation } from 'react-i18next';
import { useAppState } from '../state/store';

/** Shown while the link is lost (it comes back by itself) or refused (the page needs the new address). */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const connection = useAppState((s) => s.connection);
  if (connection === 'connected') return null;
  return (
    <div className={`connection-banner connection-${connection}`} role="alert" data-testid="connection-banner">
      <strong>{t(`connection.${connection}.title`)}</strong> {t(`connection.${connection}.body`)}
    </div>
  );
}
