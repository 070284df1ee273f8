/** "Add access keys": Amazon S3 or an S3-compatible service (MinIO, R2, B2, Wasabi presets). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useCommand } from '../../state/use-command';
import { secretKeptHintKey, secretStorageHintKey, useSecretStorage } from '../connections/secret-storage';

type Preset = 'minio' | 'r2' | 'b2' | 'wasabi' | 'custom';

/** Example endpoints and default regions per preset, shown as hints (addresses are not translated). */
export const PRESETS: Record<Preset, { example: string; region: string }> = {
  minio: { example: 'http://localhost:9000', region: 'us-east-1' },
  r2: { example: 'https://<account-id>.r2.cloudflarestorage.com', region: 'auto' },
  b2: { example: 'https://s3.us-west-004.backblazeb2.com', region: 'us-west-004' },
  wasabi: { example: 'https://s3.wasabisys.com', region: 'us-east-1' },
  custom: { example: 'https://storage.example.com', region: 'us-east-1' },
};

/** Props: called with the saved profile once its connection test passed. */
export interface AddProfileFormProps {
  onDone: (profile: ProfileSummary) => void;
  onCancel?: () => void;
}

/**
 * The form. Saves the profile (the secret to the keychain, or to memory for the session when no keychain answers), then
 * tests the connection. A failed test keeps the form on
 * the saved profile, so the next save corrects that profile rather than adding a second one under the same name.
 */
export function AddProfileForm({ onDone, onCancel }: AddProfileFormProps) {
  const { t } = useTranslation();
  const [compatible, setCompatible] = useState(false);
  const [preset, setPreset] = useState<Preset>('minio');
  const [name, setName] = useState('');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [region, setRegion] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [busy, setBusy] = useState(false);
  // The profile saved by an earlier submit whose connection test failed.
  const [saved, setSaved] = useState<ProfileSummary | null>(null);
  const { run, error } = useCommand();
  // The hint says where the secret goes only once the engine has said so.
  const storage = useSecretStorage();

  const [needName, setNeedName] = useState(false);

  const submit = async () => {
    // Spaces alone pass the field's `required` and trim to nothing, which the engine refuses in its own words.
    setNeedName(!name.trim());
    if (!name.trim()) return;
    setBusy(true);
    const regionValue = region.trim() || (compatible ? PRESETS[preset].region : 'us-east-1');
    const fields = {
      name: name.trim(),
      accessKeyId: accessKeyId.trim(),
      region: /^[a-z0-9-]{2,32}$/.test(regionValue) ? regionValue : undefined,
      preset: compatible ? preset : ('aws' as const),
    };
    const added = saved
      ? await run('profiles:update', {
          ...fields,
          id: saved.id,
          // Left empty, the secret saved last time stays (it is not shown again once saved).
          ...(secret ? { secretAccessKey: secret } : {}),
          endpoint: compatible ? endpoint.trim() : '',
          forcePathStyle: compatible,
        })
      : await run('profiles:add', { ...fields, secretAccessKey: secret, endpoint: compatible ? endpoint.trim() : undefined, forcePathStyle: compatible ? true : undefined });
    if (!added.ok) return setBusy(false);
    setSaved(added.value);
    // The secret is now the engine's (keychain or its memory); drop it from this page too.
    setSecret('');
    const tested = await run('profiles:test', { id: added.value.id });
    setBusy(false);
    if (tested.ok) onDone(added.value);
  };

  return (
    <form
      className="form"
      aria-label={t('addProfile.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend>{t('addProfile.service')}</legend>
        <label className="inline">
          <input type="radio" name="service" checked={!compatible} onChange={() => setCompatible(false)} />
          {t('addProfile.aws')}
        </label>
        <label className="inline">
          <input type="radio" name="service" checked={compatible} onChange={() => setCompatible(true)} />
          {t('addProfile.compatible')}
        </label>
      </fieldset>
      {compatible && (
        <label>
          {t('addProfile.provider')}
          <select value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
            {(Object.keys(PRESETS) as Preset[]).map((p) => (
              <option key={p} value={p}>
                {t(`addProfile.presets.${p}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('addProfile.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
      </label>
      <label>
        {t('addProfile.accessKeyId')}
        <input value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} required autoComplete="off" spellCheck={false} />
      </label>
      <label>
        {t('addProfile.secret')}
        <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} required={!saved} autoComplete="off" aria-describedby="secret-hint" />
      </label>
      <p id="secret-hint" className="hint">
        {saved ? t(secretKeptHintKey(saved.secretStorage)) : storage && t(secretStorageHintKey(storage))}
      </p>
      {compatible && (
        <>
          <label>
            {t('addProfile.endpoint')}
            <input type="url" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} required placeholder={PRESETS[preset].example} aria-describedby="endpoint-hint" />
          </label>
          <p id="endpoint-hint" className="hint">
            {t('addProfile.endpointHint', { example: PRESETS[preset].example })}
          </p>
        </>
      )}
      <label>
        <span>
          {t('addProfile.region')} <span className="hint">{t('common.optional')}</span>
        </span>
        <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder={compatible ? PRESETS[preset].region : 'us-east-1'} />
      </label>
      {needName && <p role="alert">{t('listing.nameProblem.empty')}</p>}
      {error && <ErrorMessage error={error} />}
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('addProfile.saving') : t('addProfile.save')}
        </button>
      </div>
    </form>
  );
}
