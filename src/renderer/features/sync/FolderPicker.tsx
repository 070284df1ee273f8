/**
 * Browser mode's "Browse…": the page cannot ask the OS for a path, so the engine lists folders (inside the person's
 * home only, `app:listFolders`) and the person walks down to the one they want.
 */
import { ArrowUp, Folder } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FolderListing } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { useCommand } from '../../state/use-command';

/** The picker dialog; starts at `start` (what the field holds) or home, and hands back the chosen folder's path. */
export function FolderPicker({ start, onPick, onClose }: { start?: string; onPick: (path: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const { run, error } = useCommand({ keepError: true });
  const [asked, setAsked] = useState<string | undefined>(start?.trim() || undefined);
  const [listing, setListing] = useState<FolderListing>();
  const listed = useRef(false);

  useEffect(() => {
    let stale = false;
    void run('app:listFolders', asked ? { path: asked } : {}).then((res) => {
      if (stale) return;
      if (res.ok) {
        listed.current = true;
        setListing(res.value);
      } else if (!listed.current && asked) {
        // A field holding a path the picker may not show starts the picker at home instead of at a dead end.
        setAsked(undefined);
      }
    });
    return () => {
      stale = true;
    };
  }, [run, asked]);

  return (
    <Modal title={t('sync.picker.title')} onClose={onClose}>
      <div className="folder-picker" data-testid="folder-picker">
        {listing && (
          <p className="folder-picker-path">
            {t('sync.picker.in')} <strong>{listing.path}</strong>
          </p>
        )}
        {error && <ErrorMessage error={error} />}
        <ul className="folder-picker-list" aria-label={t('sync.picker.folders')}>
          {listing?.parent && (
            <li>
              <button type="button" className="folder-picker-item" onClick={() => setAsked(listing.parent)}>
                <ArrowUp aria-hidden="true" size={16} /> {t('sync.picker.up')}
              </button>
            </li>
          )}
          {listing?.folders.map((f) => (
            <li key={f.path}>
              <button type="button" className="folder-picker-item" onClick={() => setAsked(f.path)}>
                <Folder aria-hidden="true" size={16} /> {f.name}
              </button>
            </li>
          ))}
        </ul>
        {listing && listing.folders.length === 0 && <p className="hint">{t('sync.picker.empty')}</p>}
        {listing?.truncated && <p className="hint">{t('sync.picker.truncated')}</p>}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" disabled={!listing} onClick={() => listing && onPick(listing.path)}>
            {t('sync.picker.choose')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
