/** The properties of one object: what the listing already knows; the file-manager work adds metadata, versions and sharing. */
import { useTranslation } from 'react-i18next';
import type { ObjectEntry } from '../../../shared/contract';
import { Modal } from '../../components/Modal';
import { formatBytes, formatDate } from '../../format';

/** Props for the properties panel. */
export interface PropertiesPanelProps {
  profileId: string;
  bucket: string;
  entry: ObjectEntry;
  onClose: () => void;
}

/** A dialog with an object's properties. */
export function PropertiesPanel({ entry, onClose }: PropertiesPanelProps) {
  const { t, i18n } = useTranslation();
  return (
    <Modal title={t('properties.title', { name: entry.name })} onClose={onClose}>
      <dl className="properties">
        <dt>{t('properties.size')}</dt>
        <dd>{formatBytes(entry.size ?? 0, i18n.language)}</dd>
        <dt>{t('properties.modified')}</dt>
        <dd>{formatDate(entry.lastModified, i18n.language)}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('properties.close')}
        </button>
      </div>
    </Modal>
  );
}
