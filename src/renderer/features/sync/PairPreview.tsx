/** What a pass would do, in counts, and the files it left out. */
import { useTranslation } from 'react-i18next';
import type { SyncPreview } from '../../../shared/contract';
import { formatBytes } from '../../format';

/** A dry-run preview in one sentence: files to upload (and their size), to delete, and conflicts; then whether the brake would stop the sync. */
export function PreviewText({ preview }: { preview: SyncPreview }) {
  const { t, i18n } = useTranslation();
  const { brake } = preview;
  return (
    <p className="preview" role="status">
      {t('sync.previewText', { upload: preview.upload, size: formatBytes(preview.uploadBytes, i18n.language), delete: preview.delete, conflicts: preview.conflicts })}
      {brake && ` ${t('sync.previewBrake', { count: brake.count, percent: Math.round(brake.share * 100) })}`}
    </p>
  );
}

/** Files a pass left out (names that collide, links outside the folder, a pattern that cannot name them). */
export function Skipped({ preview }: { preview: SyncPreview }) {
  const { t } = useTranslation();
  if (preview.problems.length === 0) return null;
  return (
    <details className="sync-skipped">
      <summary>{t('sync.skipped', { count: preview.problems.length })}</summary>
      <ul>
        {preview.problems.map((p) => (
          <li key={`${p.path}\n${p.reason}`}>
            {/* The engine's sentence is English; the kind has one in each language (an unknown kind shows the sentence). */}
            <code>{p.path}</code>: {p.kind ? t(`sync.problem.${p.kind}`, { other: p.other ?? '' }) : p.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
