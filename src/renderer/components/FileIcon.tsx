/** The one place that picks a lucide icon for a file (by its extension) or a folder. */
import { createElement } from 'react';
import { File, FileArchive, FileCode, FileImage, FileMusic, FileSpreadsheet, FileText, FileVideoCamera, Folder, type LucideIcon } from 'lucide-react';

/** A folder, or a file (the listing's entries say 'object', transfers say 'file'). */
export type FileIconKind = 'folder' | 'object' | 'file';

const byExtension: Record<string, LucideIcon> = {};
const groups: [LucideIcon, string[]][] = [
  [FileImage, ['png', 'jpg', 'jpeg', 'gif', 'webp', 'heic', 'heif', 'bmp', 'tif', 'tiff', 'svg', 'avif', 'raw', 'cr2', 'nef']],
  [FileVideoCamera, ['mp4', 'mov', 'm4v', 'avi', 'mkv', 'webm', 'wmv', 'mpg', 'mpeg']],
  [FileMusic, ['mp3', 'wav', 'flac', 'aac', 'm4a', 'ogg', 'opus', 'aiff']],
  [FileArchive, ['zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'tar']],
  [FileSpreadsheet, ['csv', 'tsv', 'xls', 'xlsx', 'ods', 'parquet']],
  [FileCode, ['json', 'js', 'ts', 'tsx', 'py', 'sh', 'html', 'css', 'xml', 'yaml', 'yml', 'sql', 'go', 'rs', 'java', 'c', 'cpp', 'h']],
  [FileText, ['txt', 'md', 'pdf', 'doc', 'docx', 'odt', 'rtf', 'log', 'pages']],
];
for (const [icon, extensions] of groups) for (const ext of extensions) byExtension[ext] = icon;

/** The icon component for a name: a folder, or a file by its extension (a plain file when unknown). */
export function iconFor(name: string, kind: FileIconKind): LucideIcon {
  if (kind === 'folder') return Folder;
  const dot = name.lastIndexOf('.');
  return (dot > 0 && byExtension[name.slice(dot + 1).toLowerCase()]) || File;
}

/** Props: the entry's name and whether it is a file or a folder; size in CSS pixels (the type scale's 1.1em by default). */
export interface FileIconProps {
  name: string;
  kind: FileIconKind;
  size?: number | string;
}

/** A decorative icon (aria-hidden): the name beside it is what assistive technology reads. */
export function FileIcon({ name, kind, size = '1.1em' }: FileIconProps) {
  // createElement: the icon is one of the module's fixed components, picked by name, not a component made here.
  return createElement(iconFor(name, kind), { className: `file-icon file-icon-${kind}`, size, 'aria-hidden': true, focusable: 'false' });
}
