/** In-page toasts for 'app:notice' and the UI's own messages (browser mode has no native notifications). */
import { useTranslation } from 'react-i18next';
import { useAppState, useStoreApi } from '../state/store';
import { ErrorMessage } from './ErrorMessage';

/** The toast stack, announced politely to screen readers. */
export function Toasts() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const toasts = useAppState((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map(({ id, notice }) => (
        <div key={id} className={`toast toast-${notice.level}`}>
          {notice.error ? <ErrorMessage error={notice.error} announce={false} /> : <p>{notice.key ? t(notice.key, { ...notice.params, defaultValue: notice.key }) : ''}</p>}
          <button type="button" className="link" onClick={() => store.dismissToast(id)}>
            {t('common.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
