/** "Create bucket…": a name, a region, a purpose preset, and the safe defaults explained in one line. */
import { CircleCheck, CircleX } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bucketNameProblems, suggestBucketName } from '../../../shared/bucket-name';
import type { CreateBucketResult } from '../../../shared/contract';
import { errorText, type Language } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { localisedErrorParams } from '../../error-reasons';
import { Modal } from '../../components/Modal';
import { useCommand } from '../../state/use-command';
import './create-bucket.css';

/** Regions offered in the picker (region codes are the same in every language). */
export const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'sa-east-1', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];

/** Props for the dialog. */
export interface CreateBucketDialogProps {
  profileId: string;
  defaultRegion?: string;
  onClose: () => void;
  onCreated: (bucket: string) => void;
}

/** The dialog. */
export function CreateBucketDialog({ profileId, defaultRegion, onClose, onCreated }: CreateBucketDialogProps) {
  const { t, i18n } = useTranslation();
  const [created, setCreated] = useState<CreateBucketResult | null>(null);
  const [name, setName] = useState('');
  const [region, setRegion] = useState(defaultRegion && REGIONS.includes(defaultRegion) ? defaultRegion : 'us-east-1');
  const [preset, setPreset] = useState<'standard' | 'analytics'>('standard');
  const [busy, setBusy] = useState(false);
  const { run, error } = useCommand();
  // Every rule the name breaks, as it is typed (a name of 1-2 characters is still being typed, not yet wrong),
  // and a corrected name to take with one click.
  const typed = name.trim();
  const problems = typed.length >= 3 || /[^a-z0-9.-]/.test(typed) ? bucketNameProblems(typed) : [];
  const suggestion = problems.length > 0 ? suggestBucketName(typed) : undefined;

  const submit = async () => {
    setBusy(true);
    const res = await run('buckets:create', { profileId, bucket: name.trim(), region, preset });
    setBusy(false);
    if (!res.ok) return;
    // The outcome stays in the dialog, once, as a checklist: toasts for each default stacked and vanished.
    setCreated(res.value);
  };

  if (created) {
    const lang = (i18n.language === 'pt-BR' ? 'pt-BR' : 'en') as Language;
    return (
      <Modal title={t('createBucket.title')} onClose={() => onCreated(created.bucket)}>
        {/* "Ready" only when a test write went through: a bucket that takes no file is not ready. */}
        <p role="status">{created.writable ? t('createBucket.created', { bucket: created.bucket }) : t('createBucket.notWritable')}</p>
        <ul className="checklist" data-testid="bucket-defaults">
          {created.defaults.map((d) => (
            <li key={d.name} className={d.kept ? 'kept' : 'not-kept'} data-kept={d.kept}>
              {/* The icon is for the eye; a screen reader hears the same state in words. */}
              {d.kept ? <CircleCheck aria-hidden="true" size="1.1em" /> : <CircleX aria-hidden="true" size="1.1em" />}
              <span>
                <span className="sr-only">{t(d.kept ? 'createBucket.state.kept' : 'createBucket.state.notKept')} </span>
                {t(`createBucket.default.${d.name}`)}
                {!d.kept && (
                  <span className="hint">
                    {' — '}
                    {d.error
                      ? errorText(d.error.code, lang, localisedErrorParams(d.error, { t: (key, values) => t(key, values), exists: (key) => i18n.exists(key) }))
                      : t(`createBucket.why.${d.why ?? 'unsupported'}`)}
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
        <div className="actions">
          <button type="button" className="primary" autoFocus onClick={() => onCreated(created.bucket)}>
            {t('createBucket.done')}
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={t('createBucket.title')} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {t('createBucket.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required minLength={3} maxLength={63} autoFocus aria-describedby="bucket-name-hint" />
        </label>
        <p id="bucket-name-hint" className="hint">
          {t('createBucket.nameHint')}
        </p>
        {problems.length > 0 && (
          <div className="name-problems" role="status" data-testid="bucket-name-problems">
            <p>{t('createBucket.problems')}</p>
            <ul>
              {problems.map((p) => (
                <li key={p.key}>{t(`errorReasons.${p.key}`, p.values ?? {})}</li>
              ))}
            </ul>
            {suggestion && (
              <button type="button" onClick={() => setName(suggestion)}>
                {t('createBucket.useSuggestion', { name: suggestion })}
              </button>
            )}
          </div>
        )}
        <label>
          {t('createBucket.region')}
          <select value={region} onChange={(e) => setRegion(e.target.value)}>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('createBucket.purpose')}</legend>
          <label className="inline">
            <input type="radio" name="preset" checked={preset === 'standard'} onChange={() => setPreset('standard')} />
            {t('createBucket.standard')}
          </label>
          <label className="inline">
            <input type="radio" name="preset" checked={preset === 'analytics'} onChange={() => setPreset('analytics')} />
            {t('createBucket.analytics')}
          </label>
          {preset === 'analytics' && <p className="hint">{t('createBucket.analyticsHint')}</p>}
        </fieldset>
        <p className="hint">{t('createBucket.safeDefaults')}</p>
        {error && <ErrorMessage error={error} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || problems.length > 0}>
            {busy ? t('createBucket.creating') : t('createBucket.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
