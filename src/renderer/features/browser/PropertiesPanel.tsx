/**
 * The properties of one object: its facts (size, type, dates, storage class, encryption, ETag, SHA-256), its user
 * metadata as an editable table, its versions on a versioned bucket (download and restore), a share link, and a
 * small preview of images and text. Everything comes from the engine through the contract.
 */
import { Download, History, Link, Plus, Save, Trash2 } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ObjectEntry, ObjectPreview, ObjectProperties, ObjectVersion } from '../../../shared/contract';
import { errorText } from '../../../shared/errors';
import { metadataProblem } from '../../../shared/object-metadata';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ExpirySelect, LinkOutput, useShareLink } from '../../components/ShareLink';
import { Modal } from '../../components/Modal';
import { formatBytes, formatDate } from '../../format';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { useDownload } from '../../state/use-download';
import './properties.css';

/** Props for the properties panel. */
export interface PropertiesPanelProps {
  profileId: string;
  bucket: string;
  entry: ObjectEntry;
  onClose: () => void;
}

/** One row of the metadata table as typed (a row id keeps focus when rows above it go). */
interface MetaRow {
  id: number;
  key: string;
  value: string;
}

let nextRowId = 1;
const rowsOf = (meta: Record<string, string>): MetaRow[] => Object.entries(meta).map(([key, value]) => ({ id: nextRowId++, key, value }));

/** A dialog with an object's properties. */
export function PropertiesPanel({ profileId, bucket, entry, onClose }: PropertiesPanelProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { run, error } = useCommand();
  const [props, setProps] = useState<ObjectProperties | null>(null);
  const [preview, setPreview] = useState<ObjectPreview | null>(null);

  useEffect(() => {
    let live = true;
    void run('objects:properties', { profileId, bucket, key: entry.key }).then((res) => live && res.ok && setProps(res.value));
    // The preview is a nicety: a refusal (no read permission) leaves it out rather than showing a second error.
    void run('objects:preview', { profileId, bucket, key: entry.key }).then((res) => live && res.ok && setPreview(res.value));
    return () => {
      live = false;
    };
  }, [run, profileId, bucket, entry.key]);

  return (
    <Modal title={t('properties.title', { name: entry.name })} onClose={onClose}>
      <div className="properties-panel">
        {error && <ErrorMessage error={error} />}
        {preview && <Preview preview={preview} name={entry.name} />}
        <dl className="properties">
          <dt>{t('properties.size')}</dt>
          <dd>{formatBytes(props?.size ?? entry.size ?? 0, locale)}</dd>
          <dt>{t('properties.modified')}</dt>
          <dd>{formatDate(props?.lastModified ?? entry.lastModified, locale)}</dd>
          {props && (
            <>
              <dt>{t('properties.type')}</dt>
              <dd>{props.contentType ?? t('properties.none')}</dd>
              <dt>{t('properties.storageClass')}</dt>
              <dd>{props.storageClass}</dd>
              <dt>{t('properties.encryption')}</dt>
              <dd>
                {props.encryption ? t(`properties.sse.${props.encryption.type === 'AES256' || props.encryption.type === 'aws:kms' ? props.encryption.type.replace(':', '-') : 'other'}`, { type: props.encryption.type }) : t('properties.notEncrypted')}
                {props.encryption?.kmsKeyId && <code className="properties-code">{props.encryption.kmsKeyId}</code>}
              </dd>
              <dt>{t('properties.etag')}</dt>
              <dd>
                <code className="properties-code">{props.etag || t('properties.none')}</code>
              </dd>
              <dt>{t('properties.sha256')}</dt>
              <dd>{props.sha256 ? <code className="properties-code">{props.sha256}</code> : <span className="hint">{t('properties.noSha256')}</span>}</dd>
              {props.versionId && (
                <>
                  <dt>{t('properties.versionId')}</dt>
                  <dd>
                    <code className="properties-code">{props.versionId}</code>
                  </dd>
                </>
              )}
            </>
          )}
        </dl>
        {props && (
          // Keyed by the object's state: a save or a restore of an older version starts the table from what is stored now.
          <MetadataEditor key={`${props.etag}|${props.lastModified ?? ''}|${props.versionId ?? ''}`} profileId={profileId} bucket={bucket} props={props} onSaved={setProps} />
        )}
        {props?.versioned && <Versions profileId={profileId} bucket={bucket} objectKey={entry.key} name={entry.name} onRestored={setProps} />}
        <Share profileId={profileId} bucket={bucket} objectKey={entry.key} />
      </div>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('properties.close')}
        </button>
      </div>
    </Modal>
  );
}

/** The preview: an image from a data: URL, or the first few KiB of text. */
function Preview({ preview, name }: { preview: ObjectPreview; name: string }) {
  const { t } = useTranslation();
  if (preview.kind === 'image') return <img className="properties-preview-image" src={preview.dataUrl} alt={t('properties.previewOf', { name })} />;
  if (preview.kind === 'text')
    return (
      <figure className="properties-preview-text">
        {/* Focusable so a keyboard user can scroll it (axe: scrollable-region-focusable). */}
        <pre tabIndex={0} aria-label={t('properties.previewOf', { name })}>
          {preview.text}
        </pre>
        {preview.truncated && <figcaption className="hint">{t('properties.previewTruncated')}</figcaption>}
      </figure>
    );
  return null;
}

/** The user metadata as an editable table, checked as it is typed with the engine's own rules. */
function MetadataEditor({ profileId, bucket, props, onSaved }: { profileId: string; bucket: string; props: ObjectProperties; onSaved: (p: ObjectProperties) => void }) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const { run, error } = useCommand();
  const headingId = useId();
  const [rows, setRows] = useState<MetaRow[]>(() => rowsOf(props.metadata));
  const [saving, setSaving] = useState(false);
  const filled = rows.filter((r) => r.key !== '' || r.value !== '');
  const problem = metadataProblem(
    filled.map((r) => [r.key, r.value] as const),
    props.appMetadata,
  );
  const lang = i18n.language === 'pt-BR' ? 'pt-BR' : 'en';
  const changed = JSON.stringify(filled.map((r) => [r.key, r.value])) !== JSON.stringify(Object.entries(props.metadata));
  const edit = (id: number, patch: Partial<MetaRow>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  const save = async () => {
    setSaving(true);
    const res = await run('objects:setMetadata', { profileId, bucket, key: props.key, metadata: Object.fromEntries(filled.map((r) => [r.key, r.value])) });
    setSaving(false);
    if (!res.ok) return;
    onSaved(res.value);
    store.toast({ level: 'success', key: 'properties.metadataSaved' });
  };

  return (
    <section className="properties-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('properties.metadata')}</h3>
      <p className="hint">{t('properties.metadataHint')}</p>
      {rows.length > 0 && (
        <table className="properties-meta">
          <thead>
            <tr>
              <th scope="col">{t('properties.metaName')}</th>
              <th scope="col">{t('properties.metaValue')}</th>
              <th scope="col">
                <span className="sr-only">{t('properties.metaActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.id}>
                <td>
                  <input value={r.key} onChange={(e) => edit(r.id, { key: e.target.value })} aria-label={t('properties.metaNameOf', { n: i + 1 })} spellCheck={false} autoCapitalize="off" />
                </td>
                <td>
                  <input value={r.value} onChange={(e) => edit(r.id, { value: e.target.value })} aria-label={t('properties.metaValueOf', { n: i + 1 })} />
                </td>
                <td>
                  <button type="button" className="icon-button" onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))} aria-label={t('properties.metaRemove', { name: r.key || i + 1 })}>
                    <Trash2 aria-hidden size={16} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.keys(props.appMetadata).length > 0 && (
        <p className="hint">{t('properties.appKeys', { keys: Object.keys(props.appMetadata).join(', ') })}</p>
      )}
      {problem && (
        <p className="properties-problem" role="status">
          {errorText(problem.code, lang, problem.params)}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      <div className="actions">
        <button type="button" onClick={() => setRows((rs) => [...rs, { id: nextRowId++, key: '', value: '' }])}>
          <Plus aria-hidden size={16} /> {t('properties.metaAdd')}
        </button>
        <button type="button" className="primary" disabled={!changed || problem !== undefined || saving} onClick={() => void save()}>
          <Save aria-hidden size={16} /> {saving ? t('properties.saving') : t('properties.metaSave')}
        </button>
      </div>
    </section>
  );
}

/** The versions of the key, newest first, each older one with Download and Restore. */
function Versions({ profileId, bucket, objectKey, name, onRestored }: { profileId: string; bucket: string; objectKey: string; name: string; onRestored: (p: ObjectProperties) => void }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const store = useStoreApi();
  const commands = useCommand();
  const { run, error } = commands;
  const downloadSource = useDownload(commands);
  const headingId = useId();
  const [versions, setVersions] = useState<ObjectVersion[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  // Bumped after a restore, so the list is read again with the new version on top.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    void run('objects:versions', { profileId, bucket, key: objectKey }).then((res) => live && res.ok && setVersions(res.value));
    return () => {
      live = false;
    };
  }, [run, profileId, bucket, objectKey, generation]);

  // The app's own download path, pinned to the version: the queue in the desktop app, the server in browser mode.
  const download = (v: ObjectVersion) => downloadSource({ profileId, bucket, keys: [objectKey], versionId: v.versionId });

  const restore = async (v: ObjectVersion) => {
    setBusy(v.versionId);
    const res = await run('objects:restoreVersion', { profileId, bucket, key: objectKey, versionId: v.versionId });
    setBusy(null);
    if (!res.ok) return;
    store.toast({ level: 'success', key: 'properties.restored', params: { date: formatDate(v.lastModified, locale) } });
    const props = await run('objects:properties', { profileId, bucket, key: objectKey });
    if (props.ok) onRestored(props.value);
    setGeneration((g) => g + 1);
  };

  return (
    <section className="properties-section" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <History aria-hidden size={16} /> {t('properties.versions')}
      </h3>
      {error && <ErrorMessage error={error} />}
      {versions && (
        <table className="properties-versions">
          <thead>
            <tr>
              <th scope="col">{t('properties.versionDate')}</th>
              <th scope="col">{t('properties.size')}</th>
              <th scope="col">{t('properties.versionState')}</th>
              <th scope="col">
                <span className="sr-only">{t('properties.metaActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const date = formatDate(v.lastModified, locale);
              return (
                <tr key={v.versionId} data-version-id={v.versionId}>
                  <td>{date}</td>
                  <td>{v.deleteMarker ? '—' : formatBytes(v.size ?? 0, locale)}</td>
                  <td>{v.deleteMarker ? t('properties.deleteMarker') : v.latest ? t('properties.current') : t('properties.older')}</td>
                  <td className="properties-version-actions">
                    {!v.deleteMarker && !v.latest && (
                      <>
                        <button type="button" onClick={() => void download(v)} aria-label={t('properties.downloadVersion', { name, date })}>
                          <Download aria-hidden size={16} /> {t('properties.download')}
                        </button>
                        <button type="button" disabled={busy !== null} onClick={() => void restore(v)} aria-label={t('properties.restoreVersion', { name, date })}>
                          {t('properties.restore')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The share link: the same presigned link as a finished transfer's, for any object. */
function Share({ profileId, bucket, objectKey }: { profileId: string; bucket: string; objectKey: string }) {
  const { t } = useTranslation();
  const headingId = useId();
  const selectId = useId();
  const { expiry, setExpiry, link, copy } = useShareLink({ profileId, bucket, key: objectKey });
  return (
    <section className="properties-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('properties.share')}</h3>
      <div className="actions">
        <ExpirySelect id={selectId} value={expiry} onChange={setExpiry} />
        <button type="button" onClick={() => void copy()}>
          <Link aria-hidden size={16} /> {t('transfers.copyLink')}
        </button>
      </div>
      {link && <LinkOutput link={link} expiry={expiry} />}
    </section>
  );
}
