/** The Edit, Rename and Remove dialogs (app-managed connections only), their buttons, and which one is open: for Connections and Welcome. */
import { Pencil, Trash2, Type } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary, SyncPairStatus } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { useAppState } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { secretStorageHintKey } from './secret-storage';
import './connections.css';

/** Props of each dialog: the connection it changes, and how to close it. */
export interface ConnectionDialogProps {
  profile: ProfileSummary;
  onClose: () => void;
}

/** What a connection's buttons open. */
export type ConnectionDialogKind = 'edit' | 'rename' | 'remove';

/** The dialog open for a connection, or null. */
export type OpenConnectionDialog = { kind: ConnectionDialogKind; profile: ProfileSummary } | null;

/** True for the connections S3 Drop keeps itself; the ones from ~/.aws or the environment are changed there. */
export function isEditable(profile: ProfileSummary): boolean {
  return profile.source === 'app';
}

/** Edit, Rename and Remove for an app-managed connection (nothing for another), each named with the connection. */
export function ConnectionChangeButtons({ profile: p, onOpen }: { profile: ProfileSummary; onOpen: (kind: ConnectionDialogKind) => void }) {
  const { t } = useTranslation();
  if (!isEditable(p)) return null;
  return (
    <>
      <button type="button" onClick={() => onOpen('edit')} aria-label={`${t('connections.edit')}: ${p.name}`}>
        <Pencil size={16} aria-hidden="true" /> {t('connections.edit')}
      </button>
      <button type="button" onClick={() => onOpen('rename')} aria-label={`${t('connections.rename')}: ${p.name}`}>
        <Type size={16} aria-hidden="true" /> {t('connections.rename')}
      </button>
      <button type="button" className="danger" onClick={() => onOpen('remove')} aria-label={`${t('connections.remove')}: ${p.name}`}>
        <Trash2 size={16} aria-hidden="true" /> {t('connections.remove')}
      </button>
    </>
  );
}

/** The dialog that is open, if any; Remove asks before anything goes. */
export function ConnectionDialogs({ open, onClose }: { open: OpenConnectionDialog; onClose: () => void }) {
  if (!open) return null;
  if (open.kind === 'edit') return <EditConnectionDialog profile={open.profile} onClose={onClose} />;
  if (open.kind === 'rename') return <RenameConnectionDialog profile={open.profile} onClose={onClose} />;
  return <RemoveConnectionDialog profile={open.profile} onClose={onClose} />;
}

/** Edit the address, region and keys; a secret key is never shown, and an empty field keeps the stored one. */
export function EditConnectionDialog({ profile, onClose }: ConnectionDialogProps) {
  const { t } = useTranslation();
  const { run, error } = useCommand();
  const [endpoint, setEndpoint] = useState(profile.endpoint ?? '');
  const [region, setRegion] = useState(profile.region ?? '');
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [needSecret, setNeedSecret] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // A new key ID without its secret key would pair it with the old secret, which can never work.
    if (keyId.trim() && !secret) return setNeedSecret(true);
    setNeedSecret(false);
    setBusy(true);
    const res = await run('profiles:update', {
      id: profile.id,
      endpoint: endpoint.trim(),
      ...(region.trim() ? { region: region.trim() } : {}),
      ...(keyId.trim() ? { accessKeyId: keyId.trim() } : {}),
      ...(secret ? { secretAccessKey: secret } : {}),
    });
    setBusy(false);
    if (res.ok) onClose();
  };

  return (
    <Modal title={t('connections.editTitle', { connection: profile.name })} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('addProfile.endpoint')} <span className="hint">{t('common.optional')}</span>
          <input type="url" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} autoComplete="off" />
          <span className="hint">{t('connections.endpointHint')}</span>
        </label>
        <label>
          {t('addProfile.region')}
          <input value={region} onChange={(e) => setRegion(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('addProfile.accessKeyId')}
          <input value={keyId} onChange={(e) => setKeyId(e.target.value)} placeholder={profile.accessKeyIdMasked} autoComplete="off" spellCheck={false} />
          <span className="hint">{t('connections.keepKeyId')}</span>
        </label>
        <label>
          {t('addProfile.secret')}
          <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" aria-describedby="edit-secret-hint" />
          <span className="hint" id="edit-secret-hint">
            {t('connections.keepSecret')} {t(secretStorageHintKey(profile.secretStorage ?? 'keychain'))}
          </span>
        </label>
        {needSecret && <p role="alert">{t('connections.needSecret')}</p>}
        {error && <ErrorMessage error={error} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Rename: the keychain entry, the default choice and the sync pairs follow the new name. */
export function RenameConnectionDialog({ profile, onClose }: ConnectionDialogProps) {
  const { t } = useTranslation();
  const { run, error } = useCommand();
  const [name, setName] = useState(profile.name);
  const [needName, setNeedName] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Spaces alone pass the field's `required` and trim to nothing, which the engine refuses in its own words.
    if (!name.trim()) return setNeedName(true);
    setNeedName(false);
    if (name.trim() === profile.name) return onClose();
    const res = await run('profiles:update', { id: profile.id, name: name.trim() });
    if (res.ok) onClose();
  };
  return (
    <Modal title={t('connections.renameTitle', { connection: profile.name })} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('connections.newName')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} autoFocus autoComplete="off" />
          <span className="hint">{t('connections.renameHint')}</span>
        </label>
        {needName && <p role="alert">{t('listing.nameProblem.empty')}</p>}
        {error && <ErrorMessage error={error} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary">
            {t('connections.rename')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The sync pairs that use a connection. */
export function pairsUsing(pairs: readonly SyncPairStatus[], profileId: string): SyncPairStatus[] {
  return pairs.filter((p) => p.config.target.profileId === profileId);
}

/** Remove, after saying what it means: the keychain entry goes, and its sync pairs are paused (nothing is deleted). */
export function RemoveConnectionDialog({ profile, onClose }: ConnectionDialogProps) {
  const { t } = useTranslation();
  const { run, error } = useCommand();
  const pairs = pairsUsing(useAppState((s) => s.sync), profile.id);
  const remove = async () => {
    const res = await run('profiles:remove', { id: profile.id });
    if (res.ok) onClose();
  };
  return (
    <Modal title={t('connections.removeTitle', { connection: profile.name })} onClose={onClose}>
      <p>{t(profile.secretStorage === 'memory' ? 'connections.removeForgetsMemory' : 'connections.removeForgets')}</p>
      {pairs.length === 0 ? (
        <p>{t('connections.removeNoPairs')}</p>
      ) : (
        <>
          <p>{t('connections.removePairs', { count: pairs.length })}</p>
          <ul className="connection-pairs" data-testid="remove-pairs">
            {pairs.map((p) => (
              <li key={p.config.id}>
                <code>{p.config.folder}</code> → <code>{`${p.config.target.bucket}/${p.config.target.prefix}`}</code>
              </li>
            ))}
          </ul>
          <p>{t('connections.removePairsAfter')}</p>
        </>
      )}
      {error && <ErrorMessage error={error} />}
      <div className="actions">
        <button type="button" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </button>
        <button type="button" className="danger" onClick={() => void remove()}>
          {t('connections.removeConfirm')}
        </button>
      </div>
    </Modal>
  );
}
