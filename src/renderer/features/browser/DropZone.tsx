/** The large drop zone plus "Add files…" and "Add folder…" for people who don't drag. */
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Target } from '../../../shared/contract';
import { useAppState, useStoreApi } from '../../state/store';
import { enqueuePaths, enqueuePicked, filesFromDataTransfer, filesFromInput, topLevelFiles, type PickedFile } from './drop';

/** Props: where dropped files go (undefined until a bucket is chosen). */
export interface DropZoneProps {
  target?: Target;
}

/** The drop zone. */
export function DropZone({ target }: DropZoneProps) {
  const { t } = useTranslation();
  const store = useStoreApi();
  const caps = useAppState((s) => s.info?.capabilities);
  const [over, setOver] = useState(false);
  const [preparing, setPreparing] = useState<{ done: number; total: number } | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const where = target ? `${target.bucket}/${target.prefix}` : '';
  const bridge = store.api.bridge;

  const send = async (picked: PickedFile[]) => {
    if (!target || picked.length === 0) return;
    setPreparing({ done: 0, total: picked.length });
    try {
      const n = await enqueuePicked(store, bridge, target, picked, (done, total) => setPreparing({ done, total }));
      if (n > 0) store.toast({ level: 'info', key: 'drop.queued', params: { count: n } });
    } finally {
      setPreparing(null);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!target) return;
    if (caps?.dropGivesPaths && bridge.getPathForFile) {
      // Electron: a dropped folder has a path too; the engine keeps the folder's name in the keys.
      // Items without a path (dragged out of another app's page) cannot be read by the engine: skip them.
      const paths = topLevelFiles(e.dataTransfer)
        .map((f) => bridge.getPathForFile!(f))
        .filter((p) => p !== '');
      void enqueuePaths(store, target, paths);
      return;
    }
    void filesFromDataTransfer(e.dataTransfer).then(send);
  };

  const pick = async (folders: boolean) => {
    if (!target) return;
    if (caps?.nativeDialogs) {
      const res = await store.api.invoke('app:pickFiles', { folders });
      if (res.ok) await enqueuePaths(store, target, res.value);
      else store.toast({ level: 'error', error: res.error });
      return;
    }
    (folders ? folderInput : filesInput).current?.click();
  };

  return (
    <section className="drop-area">
      <div
        className={`drop-zone${over ? ' over' : ''}${target ? '' : ' disabled'}`}
        role="region"
        aria-label={target ? t('drop.label', { target: where }) : t('drop.noBucket')}
        data-testid="drop-zone"
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = target ? 'copy' : 'none';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p className="drop-title">{target ? t('drop.title') : t('drop.noBucket')}</p>
        {target && <p className="drop-hint">{t('drop.hint', { target: where })}</p>}
        {preparing && (
          <p className="drop-hint" role="status">
            {t('drop.preparing', preparing)}
          </p>
        )}
        <div className="drop-buttons">
          <button type="button" disabled={!target} onClick={() => void pick(false)}>
            {t('drop.addFiles')}
          </button>
          <button type="button" disabled={!target} onClick={() => void pick(true)}>
            {t('drop.addFolder')}
          </button>
        </div>
      </div>
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        data-testid="files-input"
        onChange={(e) => {
          const picked = filesFromInput(e.currentTarget.files ?? new DataTransfer().files);
          e.currentTarget.value = '';
          void send(picked);
        }}
      />
      <input
        ref={(el) => {
          folderInput.current = el;
          // React has no typed prop for webkitdirectory; set the attribute directly.
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        onChange={(e) => {
          const picked = filesFromInput(e.currentTarget.files ?? new DataTransfer().files);
          e.currentTarget.value = '';
          void send(picked);
        }}
      />
    </section>
  );
}
