/**
 * The bucket browser's listing as a file manager: multi-select by mouse and keyboard, sort and filter, a toolbar and a
 * context menu with download, delete (with undo on versioned buckets), inline rename, move, new folder, properties
 * and a link, and drops onto folder rows. The rules live in listing-model.ts; this file wires events to them.
 */
import { Copy, Download, FolderInput, FolderPlus, History, Info, Pencil, Trash2 } from 'lucide-react';
import { useEffect, useMemo, useRef, useState,type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ObjectEntry, UndoToken } from '../../../shared/contract';
import { hasDotSegment } from '../../../shared/dot-segments';
import type { AppErrorData } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from '../../format';
import { useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { useDownload } from '../../state/use-download';
import { FileIcon } from '../../components/FileIcon';
import { folderDropProps } from './drop';
import {
  ariaSort,
  clickSelect,
  defaultSort,
  emptySelection,
  enabledActions,
  listingActions,
  movedKey,
  moveSelect,
  nameProblem,
  nextSort,
  pruneSelection,
  renamedKey,
  selectAll,
  selectedEntries,
  toggleFocused,
  visibleEntries,
  type ListingAction,
  type Selection,
  type SortKey,
  type SortOrder,
} from './listing-model';
import { ClashDialog, DeleteDialog, KeyFailures, LinkDialog, MoveDialog, NameDialog } from './ListingDialogs';
import { PropertiesPanel } from './PropertiesPanel';
import { RecentlyDeleted } from './RecentlyDeleted';
import './listing.css';

/** Props: the folder on screen and its first pages, as MainScreen loads them. */
export interface ListingProps {
  profileId: string;
  bucket: string;
  prefix: string;
  entries: ObjectEntry[];
  /** False while the folder's first page is loading. */
  loaded: boolean;
  error: AppErrorData | null;
  nextToken?: string;
  /** The profile's buckets, for "Move to…". */
  buckets: readonly string[];
  onOpenFolder: (prefix: string) => void;
  onLoadMore: () => void;
  /** Reloads the folder after a change. */
  onChanged: () => void;
}

const ICONS: Record<ListingAction, typeof Download> = {
  download: Download,
  delete: Trash2,
  rename: Pencil,
  move: FolderInput,
  newFolder: FolderPlus,
  properties: Info,
  copyLink: Copy,
};

/** A dialog the listing has open, if any. */
type Dialog =
  | { kind: 'delete'; entries: ObjectEntry[] }
  | { kind: 'move'; entries: ObjectEntry[] }
  | { kind: 'newFolder' }
  | { kind: 'properties'; entry: ObjectEntry }
  | { kind: 'link'; entry: ObjectEntry }
  | { kind: 'clash'; taken: string; retry: () => void };

/** An id for a row's DOM element (keys may hold any character). */
const rowId = (i: number) => `listing-row-${i}`;

/** The listing. */
export function Listing({ profileId, bucket, prefix, entries, loaded, error, nextToken, buckets, onOpenFolder, onLoadMore, onChanged }: ListingProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const store = useStoreApi();
  const commands = useCommand({ toast: true });
  const { run, report } = commands;
  const downloadSource = useDownload(commands);

  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortOrder>(defaultSort);
  const [rawSel, setSel] = useState<Selection>(emptySelection);
  const [renaming, setRenaming] = useState<{ key: string; name: string } | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [undo, setUndo] = useState<{ token: UndoToken; count: number } | null>(null);
  const [failures, setFailures] = useState<{ what: string; failed: { key: string; error: AppErrorData }[] } | null>(null);
  const [showDeleted, setShowDeleted] = useState(false);
  const bodyRef = useRef<HTMLTableSectionElement>(null);

  const shown = useMemo(() => visibleEntries(entries, filter, sort), [entries, filter, sort]);
  const order = useMemo(() => shown.map((e) => e.key), [shown]);
  // Rows that left the screen (a filter, a reload, a delete) leave the selection, so no action touches a hidden row.
  const sel = useMemo(() => pruneSelection(rawSel, order), [rawSel, order]);
  const selected = useMemo(() => selectedEntries(shown, sel), [shown, sel]);
  const enabled = enabledActions(selected, prefix);
  const where = `${bucket}/${prefix}`;

  // Another folder starts with nothing selected, no filter and nothing being renamed.
  useEffect(() => {
    /* eslint-disable react-hooks/set-state-in-effect -- resetting per-folder state when the folder changes. */
    setSel(emptySelection);
    setFilter('');
    setRenaming(null);
    setShowDeleted(false);
    /* eslint-enable react-hooks/set-state-in-effect */
  }, [bucket, prefix]);
  // An undo stays offered while browsing the bucket's folders, but not in another bucket or connection.
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- as above.
    setUndo(null);
  }, [profileId, bucket]);

  // After a rename the row comes back under its new name (once the folder reloads) and takes the focus back.
  const refocus = useRef(false);
  // The keyboard's row follows the selection's focus, while the listing has the focus (never stealing it).
  useEffect(() => {
    const body = bodyRef.current;
    if (!body || sel.focus === undefined || renaming || !(refocus.current || body.contains(document.activeElement))) return;
    const i = order.indexOf(sel.focus);
    const row = i >= 0 ? document.getElementById(rowId(i)) : null;
    if (!row) return;
    refocus.current = false;
    if (document.activeElement !== row) row.focus();
  }, [sel.focus, order, renaming]);

  /** Sends a move, and on a name clash asks before sending it again with overwrite. */
  async function move(from: ObjectEntry, destKey: string, destBucket?: string, overwrite = false): Promise<boolean> {
    const res = await store.api.invoke('objects:move', { profileId, bucket, key: from.key, destKey, overwrite, ...(destBucket && destBucket !== bucket ? { destBucket } : {}) });
    if (!res.ok) {
      if (res.error.code === 'NAME_EXISTS' && !overwrite) {
        const taken = String(res.error.params?.key ?? destKey);
        setDialog({ kind: 'clash', taken, retry: () => void move(from, destKey, destBucket, true).then((ok) => ok && onChanged()) });
        return false;
      }
      report(res.error);
      return false;
    }
    if (res.value.failed.length > 0) setFailures({ what: t('listing.move.failed'), failed: res.value.failed });
    return true;
  }

  const commitRename = async () => {
    if (!renaming) return;
    const entry = shown.find((e) => e.key === renaming.key);
    const name = renaming.name.trim();
    setRenaming(null);
    refocus.current = true;
    if (!entry || name === entry.name) return;
    const problem = nameProblem(name);
    if (problem) return store.toast({ level: 'warning', key: `listing.nameProblem.${problem}` });
    if (await move(entry, renamedKey(entry, name))) {
      refocus.current = true;
      setSel({ keys: new Set([renamedKey(entry, name)]), anchor: renamedKey(entry, name), focus: renamedKey(entry, name) });
      onChanged();
    }
  };

  const download = (list: ObjectEntry[]) => downloadSource({ profileId, bucket, keys: list.map((e) => e.key) });

  const act = (action: ListingAction) => {
    setMenu(null);
    const list = selected;
    if (!enabledActions(list, prefix)[action]) return;
    const one = list[0];
    switch (action) {
      case 'download':
        return void download(list);
      case 'delete':
        return setDialog({ kind: 'delete', entries: list });
      case 'rename':
        return one && setRenaming({ key: one.key, name: one.name });
      case 'move':
        return setDialog({ kind: 'move', entries: list });
      case 'newFolder':
        return setDialog({ kind: 'newFolder' });
      case 'properties':
        return one && setDialog({ kind: 'properties', entry: one });
      case 'copyLink':
        return one && setDialog({ kind: 'link', entry: one });
    }
  };

  /** Enter and a double click: a folder opens, a file shows its properties. */
  const open = (entry: ObjectEntry) => (entry.kind === 'folder' ? onOpenFolder(entry.key) : setDialog({ kind: 'properties', entry }));

  const onRowClick = (e: MouseEvent, key: string) => {
    setSel(clickSelect(sel, order, key, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }));
  };

  const openMenuAtFocus = () => {
    const i = sel.focus === undefined ? -1 : order.indexOf(sel.focus);
    const rect = (i >= 0 ? document.getElementById(rowId(i)) : bodyRef.current)?.getBoundingClientRect();
    setMenu({ x: rect ? rect.left + 24 : 0, y: rect ? rect.bottom : 0 });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // Keys typed into the rename box are the box's.
    if (renaming || (e.target as HTMLElement).tagName === 'INPUT') return;
    const toggle = e.ctrlKey || e.metaKey;
    const steps: Record<string, 'up' | 'down' | 'home' | 'end'> = { ArrowUp: 'up', ArrowDown: 'down', Home: 'home', End: 'end' };
    const step = steps[e.key];
    const focused = shown.find((x) => x.key === sel.focus);
    if (step) setSel(moveSelect(sel, order, step, { shift: e.shiftKey, toggle }));
    else if (e.key === ' ') setSel(toggleFocused(sel));
    else if (toggle && e.key.toLowerCase() === 'a') setSel(selectAll(sel, order));
    else if (e.key === 'Enter' && focused) open(focused);
    else if (e.key === 'Delete') act('delete');
    else if (e.key === 'F2') act('rename');
    else if (e.key === 'Escape' && sel.keys.size > 0) setSel(emptySelection);
    else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) openMenuAtFocus();
    else return;
    e.preventDefault();
  };

  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={ariaSort(sort, key)}>
      <button type="button" className="listing-sort" onClick={() => setSort(nextSort(sort, key))}>
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );

  const focusIndex = sel.focus === undefined ? -1 : order.indexOf(sel.focus);
  return (
    <section className="listing-section" aria-label={t('main.listing', { where })}>
      <div className="listing-toolbar" role="toolbar" aria-label={t('listing.toolbar')}>
        {listingActions.map((a) => {
          const Icon = ICONS[a];
          return (
            <button key={a} type="button" disabled={!enabled[a]} onClick={() => act(a)} data-action={a}>
              <Icon size={16} aria-hidden="true" /> {t(`listing.action.${a}`)}
            </button>
          );
        })}
        <button type="button" aria-pressed={showDeleted} onClick={() => setShowDeleted((v) => !v)}>
          <History size={16} aria-hidden="true" /> {t('listing.recentlyDeleted')}
        </button>
        <label className="sr-only" htmlFor="listing-filter">
          {t('listing.filter')}
        </label>
        <input id="listing-filter" type="search" className="listing-filter" placeholder={t('listing.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <p className="hint listing-status" role="status">
        {sel.keys.size > 0 ? t('listing.selected', { count: sel.keys.size }) : ''}
      </p>
      {undo && (
        <div className="listing-undo" role="status">
          <span>{t('listing.delete.done', { count: undo.count })}</span>
          <button
            type="button"
            onClick={() => {
              const token = undo.token;
              setUndo(null);
              void run('objects:undoDelete', { profileId, undo: token }).then((res) => {
                if (!res.ok) return;
                store.toast({ level: 'success', key: 'listing.undone', params: { count: res.value.restored } });
                if (res.value.failed.length > 0) setFailures({ what: t('listing.undoFailed'), failed: res.value.failed });
                onChanged();
              });
            }}
          >
            {t('listing.undo')}
          </button>
          <button type="button" className="link" onClick={() => setUndo(null)}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
      {failures && (
        <div className="listing-failures" role="alert">
          <p>{failures.what}</p>
          <KeyFailures failed={failures.failed} />
          <button type="button" className="link" onClick={() => setFailures(null)}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
      {showDeleted && <RecentlyDeleted profileId={profileId} bucket={bucket} prefix={prefix} onRestored={onChanged} />}

      {!loaded && <p className="hint">{t('common.loading')}</p>}
      {error && <ErrorMessage error={error} />}
      {/* A "." or ".." folder takes no files (see the drop zone), so its empty text does not invite a drop. */}
      {!error && loaded && entries.length === 0 && <p className="hint">{t(hasDotSegment(prefix) ? 'main.emptyNoDrop' : 'main.empty')}</p>}
      {entries.length > 0 && shown.length === 0 && <p className="hint">{t('listing.noMatch', { filter: filter.trim() })}</p>}
      {shown.length > 0 && (
        <table className="listing" aria-label={t('main.listing', { where })}>
          <thead>
            <tr>
              {header('name', t('main.name'))}
              {header('size', t('main.size'))}
              {header('date', t('main.modified'))}
            </tr>
          </thead>
          <tbody ref={bodyRef} onKeyDown={onKeyDown}>
            {shown.map((e, i) => {
              const isSel = sel.keys.has(e.key);
              const isRenaming = renaming?.key === e.key;
              return (
                <tr
                  key={e.key}
                  id={rowId(i)}
                  data-key={e.key}
                  aria-selected={isSel}
                  // One tab stop for the whole listing: the focused row (or the first); arrows move between rows.
                  tabIndex={i === (focusIndex >= 0 ? focusIndex : 0) ? 0 : -1}
                  className={`listing-row${isSel ? ' selected' : ''}`}
                  onClick={(ev) => onRowClick(ev, e.key)}
                  onDoubleClick={() => open(e)}
                  onFocus={(ev) => {
                    // Tabbing into the listing lands on a row: it becomes the keyboard's row without selecting it.
                    if (ev.target === ev.currentTarget && sel.focus !== e.key) setSel({ ...sel, focus: e.key });
                  }}
                  onContextMenu={(ev) => {
                    ev.preventDefault();
                    if (!isSel) setSel(clickSelect(sel, order, e.key));
                    setMenu({ x: ev.clientX, y: ev.clientY });
                  }}
                  // A folder row takes files dropped on it into its folder: the window-wide drop (DropZone) reads this
                  // mark, so the drop gets the same options, checks and overlay as any other.
                  {...(e.kind === 'folder' ? folderDropProps(e.key) : {})}
                >
                  <td>
                    {isRenaming ? (
                      <>
                        <FileIcon name={e.name} kind={e.kind} />{' '}
                        <input
                          className="listing-rename"
                          aria-label={t('listing.renameLabel', { name: e.name })}
                          value={renaming.name}
                          autoFocus
                          onFocus={(ev) => ev.currentTarget.select()}
                          onClick={(ev) => ev.stopPropagation()}
                          onChange={(ev) => setRenaming({ key: e.key, name: ev.target.value })}
                          onKeyDown={(ev) => {
                            ev.stopPropagation();
                            if (ev.key === 'Enter') void commitRename();
                            else if (ev.key === 'Escape') {
                              ev.preventDefault();
                              setRenaming(null);
                              document.getElementById(rowId(i))?.focus();
                            }
                          }}
                          // Leaving the box without Enter keeps the old name: a rename copies and deletes, so it is never a side effect.
                          onBlur={() => setRenaming(null)}
                        />
                      </>
                    ) : (
                      // At most two lines: a name of 1,000 characters without a space must not make the row a
                      // screen tall; the whole name is in the tooltip and the properties.
                      // The icon beside a text box of its own: a long name without spaces wraps inside that box, level
                      // with its icon, instead of leaving the icon alone on the first line.
                      <span className="listing-name" title={e.kind === 'folder' ? `${e.name}/` : e.name}>
                        <FileIcon name={e.name} kind={e.kind} />
                        <span className="listing-name-text">
                        {e.kind === 'folder' ? (
                          <button
                            type="button"
                            className="link folder"
                            tabIndex={-1}
                            onClick={(ev) => {
                              // A modified click selects, as anywhere on the row; a plain one opens the folder.
                              if (ev.shiftKey || ev.ctrlKey || ev.metaKey) return;
                              ev.stopPropagation();
                              onOpenFolder(e.key);
                            }}
                          >
                            {e.name}/
                          </button>
                        ) : (
                          e.name
                        )}
                        </span>
                      </span>
                    )}
                  </td>
                  <td>{e.kind === 'folder' ? t('main.folder') : formatBytes(e.size ?? 0, locale)}</td>
                  <td>{formatDate(e.lastModified, locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {nextToken && (
        <button type="button" onClick={onLoadMore}>
          {t('main.loadMore')}
        </button>
      )}

      {menu && <ListingMenu x={menu.x} y={menu.y} enabled={enabled} label={selected.length === 1 ? t('listing.menuOne', { name: selected[0]!.name }) : t('listing.menu', { count: selected.length })} onAction={act} onClose={() => setMenu(null)} />}

      {dialog?.kind === 'delete' && (
        <DeleteDialog
          profileId={profileId}
          bucket={bucket}
          entries={dialog.entries}
          onClose={() => setDialog(null)}
          onDeleted={(summary) => {
            setUndo(summary.undo && summary.deleted > 0 ? { token: summary.undo, count: summary.deleted } : null);
            if (summary.deleted > 0 && !summary.undo) store.toast({ level: 'success', key: 'listing.delete.done', params: { count: summary.deleted } });
            onChanged();
          }}
        />
      )}
      {dialog?.kind === 'move' && (
        <MoveDialog
          bucket={bucket}
          prefix={prefix}
          buckets={buckets}
          count={dialog.entries.length}
          onClose={() => setDialog(null)}
          onSubmit={async (destBucket, path) => {
            const list = dialog.entries;
            // The dialog closes first: a name clash opens its own question in its place.
            setDialog(null);
            for (const entry of list) await move(entry, movedKey(entry, path), destBucket);
            onChanged();
            return false;
          }}
        />
      )}
      {dialog?.kind === 'newFolder' && (
        <NameDialog
          title={t('listing.newFolder.title')}
          label={t('listing.newFolder.name')}
          submitLabel={t('listing.newFolder.create')}
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            const res = await run('objects:newFolder', { profileId, bucket, prefix, name });
            if (!res.ok) return false;
            setFilter('');
            setSel({ keys: new Set([res.value.key]), anchor: res.value.key, focus: res.value.key });
            onChanged();
            return true;
          }}
        />
      )}
      {dialog?.kind === 'properties' && <PropertiesPanel profileId={profileId} bucket={bucket} entry={dialog.entry} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'link' && <LinkDialog profileId={profileId} bucket={bucket} entry={dialog.entry} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'clash' && (
        <ClashDialog
          taken={dialog.taken}
          onClose={() => setDialog(null)}
          onReplace={() => {
            setDialog(null);
            dialog.retry();
          }}
        />
      )}
    </section>
  );
}

/** Props for the context menu. */
interface ListingMenuProps {
  x: number;
  y: number;
  label: string;
  enabled: Record<ListingAction, boolean>;
  onAction: (action: ListingAction) => void;
  onClose: () => void;
}

/** The context menu: the toolbar's actions at the pointer (or the focused row), arrows to move, Escape to close. */
function ListingMenu({ x, y, label, enabled, onAction, onClose }: ListingMenuProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', away);
    return () => {
      document.removeEventListener('pointerdown', away);
      // Focus goes back to the row the menu was opened from, unless an action moved it (a dialog, the rename box).
      if (opener?.isConnected && (document.activeElement === document.body || document.activeElement === null)) opener.focus();
    };
  }, [onClose]);
  const onKeyDown = (e: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else if (e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else if (e.key === 'Home') items[0]?.focus();
    else if (e.key === 'End') items[items.length - 1]?.focus();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  // Kept inside the window: a menu opened near the bottom or right edge opens up or left.
  const style = { left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - 300) };
  return (
    <ul ref={ref} className="listing-menu" role="menu" aria-label={label} style={style} onKeyDown={onKeyDown} data-testid="listing-menu">
      {listingActions.map((a) => {
        const Icon = ICONS[a];
        return (
          <li key={a} role="none">
            <button type="button" role="menuitem" tabIndex={-1} aria-disabled={!enabled[a]} onClick={() => enabled[a] && onAction(a)}>
              <Icon size={16} aria-hidden="true" /> {t(`listing.action.${a}`)}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
