/** A sync refusal, with a name pattern's reason in the UI language. */
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { localiseTemplateError } from '../landing/landing-options';

/** A name-pattern or other refusal, with the pattern's reason in the UI language. */
export function SyncError({ error }: { error: AppErrorData }) {
  const { t } = useTranslation();
  return <ErrorMessage error={localiseTemplateError(error, (key, values) => t(key, values))} />;
}
