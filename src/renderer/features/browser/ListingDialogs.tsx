/** The file manager's dialogs: delete (with its count, size and permanence), move, new folder, a name clash, a link. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeletePreview, DeleteSummary, KeyFailure, ObjectEntry } from '../../../shared/contract';
import { errorText, type Language } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { localisedErrorParams } from '../../error-reasons';
import { formatBytes } from '../../format';
import { useCommand } from '../../state/use-command';
import { ExpirySelect, LinkOutput, useShareLink } from '../../components/ShareLink';
import { nameProblem } from './listing-model';

/** Per-key failures as a list of "key: plain reason" lines. */
export function KeyFailures({ failed }: { failed: readonly KeyFailure[] }) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === 'pt-BR' ? 'pt-BR' : 'en') as Language;
  if (failed.length === 0) return null;
  return (
    <ul className="key-failures" data-testid="key-failures">
      {failed.map((f) => (
        <li key={f.key}>
          <code>{f.key}</code>: {errorText(f.error.code, lang, localisedErrorParams(f.error, { t: (key, values) => t(key, values), exists: (key) => i18n.exists(key) }))}
        </li>
      ))}
    </ul>
  );
}

/** Props for the delete confirmation. */
export interface DeleteDialogProps {
  profileId: string;
  bucket: string;
  entries: readonly ObjectEntry[];
  onClose: () => void;
  /** Called after the delete ran (whatever failed is shown in the dialog first). */
  onDeleted: (summary: DeleteSummary) => void;
}

/**
 * Asks before deleting: names how many objects go (folders listed recursively by the engine) and their size,
 * says plainly when the bucket cannot undo it, and then has a bulk delete typed out as its number.
 */
export function DeleteDialog({ profileId, bucket, entries, onClose, onDeleted }: DeleteDialogProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { run, error } = useCommand();
  const [preview, setPreview] = useState<DeletePreview | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<KeyFailure[] | null>(null);
  const keys = entries.map((e) => e.key);

  useEffect(() => {
    let live = true;
    void run('objects:deletePreview', { profileId, bucket, keys }).then((res) => live && res.ok && setPreview(res.value));
    return () => {
      live = false;
    };
    // The entries are fixed while the dialog is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const mustType = preview !== null && preview.permanent && preview.count > 1;
  const confirmRef = useRef<HTMLButtonElement>(null);
  // The button is disabled while the folders are counted, so it takes the focus once the count is in (Enter deletes).
  useEffect(() => {
    if (preview && !mustType) confirmRef.current?.focus();
  }, [preview, mustType]);
  const ready = preview !== null && preview.count > 0 && (!mustType || typed.trim() === String(preview.count)) && !busy;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    const res = await run('objects:delete', { profileId, bucket, keys });
    setBusy(false);
    if (!res.ok) return;
    onDeleted(res.value);
    if (res.value.failed.length > 0) setFailed(res.value.failed);
    else onClose();
  };

  const title = preview ? t('listing.delete.title', { count: preview.count, size: formatBytes(preview.bytes, locale) }) : t('listing.delete.titleCounting');
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} data-testid="delete-dialog">
        {error && <ErrorMessage error={error} />}
        {!preview && !error && <p className="hint">{t('listing.delete.counting')}</p>}
        {preview && preview.count === 0 && <p>{t('listing.delete.nothing')}</p>}
        {preview && preview.count > 0 && (
          <p className={preview.permanent ? 'listing-warning' : undefined}>{preview.permanent ? t('listing.delete.permanent') : t('listing.delete.undoable')}</p>
        )}
        {mustType && failed === null && (
          <p>
            <label htmlFor="delete-count">{t('listing.delete.typeCount', { count: preview.count })}</label>
            <input id="delete-count" inputMode="numeric" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
          </p>
        )}
        {failed && (
          <div role="alert">
            <p>{t('listing.delete.failed', { count: failed.length })}</p>
            <KeyFailures failed={failed} />
          </div>
        )}
        <div className="actions">
          {failed === null && (
            <button ref={confirmRef} type="submit" className="danger" disabled={!ready}>
              {busy ? t('listing.delete.deleting') : t('listing.delete.confirm')}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {failed ? t('common.close') : t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Props for the name dialog (new folder). */
export interface NameDialogProps {
  title: string;
  label: string;
  submitLabel: string;
  onClose: () => void;
  /** Resolves true when done (the dialog closes); false keeps it open (the error is shown by the caller's command). */
  onSubmit: (name: string) => Promise<boolean>;
}

/** A dialog asking for one name, refusing empty names, slashes and dot names as they are typed. */
export function NameDialog({ title, label, submitLabel, onClose, onSubmit }: NameDialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const problem = name === '' ? undefined : nameProblem(name);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (nameProblem(name) || busy) return;
    setBusy(true);
    const done = await onSubmit(name.trim());
    setBusy(false);
    if (done) onClose();
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          <label htmlFor="name-dialog-input">{label}</label>
          <input id="name-dialog-input" value={name} onChange={(e) => setName(e.target.value)} autoFocus aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'name-dialog-problem' : undefined} />
        </p>
        {problem && (
          <p id="name-dialog-problem" className="listing-warning">
            {t(`listing.nameProblem.${problem}`)}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || nameProblem(name) !== undefined}>
            {submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Props for the move dialog. */
export interface MoveDialogProps {
  bucket: string;
  prefix: string;
  /** The profile's buckets to choose the destination from. */
  buckets: readonly string[];
  count: number;
  onClose: () => void;
  onSubmit: (destBucket: string, path: string) => Promise<boolean>;
}

/** "Move to…": a destination bucket of the same connection and a folder path in it. */
export function MoveDialog({ bucket, prefix, buckets, count, onClose, onSubmit }: MoveDialogProps) {
  const { t } = useTranslation();
  const [dest, setDest] = useState(bucket);
  const [path, setPath] = useState(prefix);
  const [busy, setBusy] = useState(false);
  const choices = buckets.includes(bucket) ? buckets : [bucket, ...buckets];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const done = await onSubmit(dest, path);
    setBusy(false);
    if (done) onClose();
  };
  return (
    <Modal title={t('listing.move.title', { count })} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} data-testid="move-dialog">
        <p>
          <label htmlFor="move-bucket">{t('listing.move.bucket')}</label>
          <select id="move-bucket" value={dest} onChange={(e) => setDest(e.target.value)}>
            {choices.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="move-path">{t('listing.move.path')}</label>
          <input id="move-path" value={path} onChange={(e) => setPath(e.target.value)} aria-describedby="move-path-hint" autoFocus />
          <span id="move-path-hint" className="hint">
            {t('listing.move.pathHint')}
          </span>
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('listing.move.confirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Props for the name-clash question. */
export interface ClashDialogProps {
  taken: string;
  onReplace: () => void;
  onClose: () => void;
}

/** Asks before a rename or move replaces an object that already has the name. */
export function ClashDialog({ taken, onReplace, onClose }: ClashDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal title={t('listing.clash.title')} onClose={onClose}>
      <p>{t('listing.clash.body', { key: taken })}</p>
      <div className="actions">
        <button type="button" className="danger" onClick={onReplace}>
          {t('listing.clash.replace')}
        </button>
        <button type="button" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </button>
      </div>
    </Modal>
  );
}

/** Props for the link dialog. */
export interface LinkDialogProps {
  profileId: string;
  bucket: string;
  entry: ObjectEntry;
  onClose: () => void;
}

/** "Copy link": the presigned share link with the same lifetime choice the transfers list offers (one home: ShareLink). */
export function LinkDialog({ profileId, bucket, entry, onClose }: LinkDialogProps) {
  const { t } = useTranslation();
  const { expiry, setExpiry, link, copy } = useShareLink({ profileId, bucket, key: entry.key });
  return (
    <Modal title={t('listing.link.title', { name: entry.name })} onClose={onClose}>
      <p>
        <ExpirySelect id="link-expiry" value={expiry} onChange={setExpiry} />
      </p>
      {link && <LinkOutput link={link} expiry={expiry} />}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copy()}>
          {t('transfers.copyLink')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}
