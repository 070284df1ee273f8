/** Shows an error as one plain sentence from the error catalogue, with technical details folded away. */
import { useTranslation } from 'react-i18next';
import { errorText, type AppErrorData, type Language } from '../../shared/errors';
import { localisedErrorParams } from '../error-reasons';

/** Props: the error data from a Result or an event. */
export interface ErrorMessageProps {
  error: AppErrorData;
  /** 'alert' announces it right away; toasts and rows use 'none' (their region already announces). */
  announce?: boolean;
}

/** The error sentence plus a <details> with the code and technical detail. */
export function ErrorMessage({ error, announce = true }: ErrorMessageProps) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === 'pt-BR' ? 'pt-BR' : 'en') as Language;
  return (
    <div className="error-message" role={announce ? 'alert' : undefined}>
      <p>{errorText(error.code, lang, localisedErrorParams(error, { t: (key, values) => t(key, values), exists: (key) => i18n.exists(key) }))}</p>
      <details>
        <summary>{t('common.details')}</summary>
        <code>{[error.code, error.details].filter(Boolean).join(' · ')}</code>
      </details>
    </div>
  );
}
