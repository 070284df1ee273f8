/**
 * The listing's logic without a DOM: which entries show in which order (filter, folders first, sort), the
 * selection as click, shift-click, ctrl/cmd-click and the keyboard change it, and which actions a selection allows.
 * Kept pure so every rule is unit-tested and Listing.tsx only wires events to it.
 */
import type { ObjectEntry } from '../../../shared/contract';
import { hasDotSegment } from '../../../shared/dot-segments';

/** The columns a listing sorts by. */
export type SortKey = 'name' | 'size' | 'date';

/** A column and a direction. */
export interface SortOrder {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** The order a folder first shows in. */
export const defaultSort: SortOrder = { key: 'name', dir: 'asc' };

/** The next order after a click on a column header: the same column flips, another starts ascending. */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

/** The value of `aria-sort` for a column header. */
export function ariaSort(current: SortOrder, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (current.key !== key) return 'none';
  return current.dir === 'asc' ? 'ascending' : 'descending';
}

// Numeric collation, so 'file10' sorts after 'file9' as a person expects.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: ObjectEntry, b: ObjectEntry, key: SortKey): number {
  if (key === 'size') return (a.size ?? 0) - (b.size ?? 0);
  if (key === 'date') return Date.parse(a.lastModified ?? '') - Date.parse(b.lastModified ?? '') || 0;
  return collator.compare(a.name, b.name);
}

/**
 * The entries to show: those whose name contains `filter` (case-insensitive), folders first, each group in
 * `sort`'s order; ties fall back to the name so the order never jumps between reloads.
 */
export function visibleEntries(entries: readonly ObjectEntry[], filter: string, sort: SortOrder): ObjectEntry[] {
  const needle = filter.trim().toLocaleLowerCase();
  const sign = sort.dir === 'asc' ? 1 : -1;
  return entries
    .filter((e) => needle === '' || e.name.toLocaleLowerCase().includes(needle))
    .sort((a, b) => {
      if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
      return sign * compare(a, b, sort.key) || collator.compare(a.name, b.name);
    });
}

/** The selected keys, the row shift-selection extends from, and the row the keyboard is on. */
export interface Selection {
  keys: ReadonlySet<string>;
  anchor?: string;
  focus?: string;
}

/** Nothing selected. */
export const emptySelection: Selection = { keys: new Set() };

/** The keys from `a` to `b` inclusive, in the listing's order. */
function range(order: readonly string[], a: string | undefined, b: string): string[] {
  const end = order.indexOf(b);
  const start = a === undefined ? -1 : order.indexOf(a);
  if (start < 0) return [b];
  return order.slice(Math.min(start, end), Math.max(start, end) + 1);
}

/** Modifier keys of a click or a key press. */
export interface Modifiers {
  shift?: boolean;
  /** Ctrl, or Cmd on a Mac. */
  toggle?: boolean;
}

/**
 * A click on `key`: plain selects only it; ctrl/cmd adds or removes it; shift selects the range from the anchor
 * (ctrl+shift adds the range to what was selected).
 */
export function clickSelect(sel: Selection, order: readonly string[], key: string, mods: Modifiers = {}): Selection {
  if (mods.shift) {
    const keys = new Set(mods.toggle ? sel.keys : []);
    for (const k of range(order, sel.anchor, key)) keys.add(k);
    return { keys, anchor: sel.anchor ?? key, focus: key };
  }
  if (mods.toggle) {
    const keys = new Set(sel.keys);
    if (keys.has(key)) keys.delete(key);
    else keys.add(key);
    return { keys, anchor: key, focus: key };
  }
  return { keys: new Set([key]), anchor: key, focus: key };
}

/** Where an arrow-like key moves the focus. */
export type Step = 'up' | 'down' | 'home' | 'end';

/**
 * Arrow keys, Home and End: move the focus and select it; with shift, extend from the anchor; with ctrl/cmd, only
 * move the focus (space then toggles), as in a desktop file manager.
 */
export function moveSelect(sel: Selection, order: readonly string[], step: Step, mods: Modifiers = {}): Selection {
  if (order.length === 0) return sel;
  const at = sel.focus === undefined ? -1 : order.indexOf(sel.focus);
  let next: number;
  if (step === 'home') next = 0;
  else if (step === 'end') next = order.length - 1;
  // With nothing focused yet, the first press lands on the first (or last) row.
  else if (at < 0) next = step === 'down' ? 0 : order.length - 1;
  else next = Math.max(0, Math.min(order.length - 1, at + (step === 'down' ? 1 : -1)));
  const key = order[next]!;
  if (mods.toggle && !mods.shift) return { ...sel, focus: key };
  return clickSelect(sel, order, key, { shift: mods.shift });
}

/** Space: adds or removes the focused row. */
export function toggleFocused(sel: Selection): Selection {
  if (sel.focus === undefined) return sel;
  const keys = new Set(sel.keys);
  if (keys.has(sel.focus)) keys.delete(sel.focus);
  else keys.add(sel.focus);
  return { ...sel, keys, anchor: sel.focus };
}

/** Ctrl/cmd+A: every row shown. */
export function selectAll(sel: Selection, order: readonly string[]): Selection {
  return { keys: new Set(order), anchor: sel.anchor ?? order[0], focus: sel.focus ?? order[0] };
}

/** Drops keys that are no longer shown (after a filter, a reload or a delete), so actions never touch hidden rows. */
export function pruneSelection(sel: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  if ([...sel.keys].every((k) => shown.has(k)) && (sel.focus === undefined || shown.has(sel.focus))) return sel;
  return {
    keys: new Set([...sel.keys].filter((k) => shown.has(k))),
    ...(sel.anchor !== undefined && shown.has(sel.anchor) ? { anchor: sel.anchor } : {}),
    ...(sel.focus !== undefined && shown.has(sel.focus) ? { focus: sel.focus } : {}),
  };
}

/** The selected entries, in the listing's order. */
export function selectedEntries(shown: readonly ObjectEntry[], sel: Selection): ObjectEntry[] {
  return shown.filter((e) => sel.keys.has(e.key));
}

/** Everything the toolbar and the context menu offer. */
export type ListingAction = 'download' | 'delete' | 'rename' | 'move' | 'newFolder' | 'properties' | 'copyLink';

/** The actions in the order the toolbar and the menu show them. */
export const listingActions: readonly ListingAction[] = ['download', 'delete', 'rename', 'move', 'newFolder', 'properties', 'copyLink'];

/**
 * Which actions apply to a selection in the folder `prefix`: download, delete and move take any selection; rename
 * takes exactly one entry; properties and a link take exactly one file (a folder has neither); a new folder applies
 * anywhere. Inside a "." or ".." folder nothing new can be named (the engine refuses such keys, see the drop zone):
 * no rename and no new folder there, while moving out stays the way to rescue what another tool put there.
 */
export function enabledActions(selected: readonly ObjectEntry[], prefix = ''): Record<ListingAction, boolean> {
  const one = selected.length === 1 ? selected[0] : undefined;
  const any = selected.length > 0;
  const names = !hasDotSegment(prefix);
  return {
    download: any,
    delete: any,
    rename: one !== undefined && names,
    move: any,
    newFolder: names,
    properties: one?.kind === 'object',
    copyLink: one?.kind === 'object',
  };
}

/** Why a name typed for a rename or a new folder cannot be used, or undefined when it can. */
export function nameProblem(name: string): 'empty' | 'slash' | 'dots' | undefined {
  const clean = name.trim();
  if (clean === '') return 'empty';
  if (clean.includes('/')) return 'slash';
  if (clean === '.' || clean === '..') return 'dots';
  return undefined;
}

/** The key an entry gets when renamed to `name` in the same folder (a folder keeps its trailing '/'). */
export function renamedKey(entry: ObjectEntry, name: string): string {
  const parent = entry.key.slice(0, entry.key.replace(/\/$/, '').lastIndexOf('/') + 1);
  return parent + name.trim() + (entry.kind === 'folder' ? '/' : '');
}

/** The key an entry gets when moved into the folder `path` ('' is the bucket's top). */
export function movedKey(entry: ObjectEntry, path: string): string {
  const folder = path.trim().replace(/^\/+/, '').replace(/\/*$/, '/').replace(/^\/$/, '');
  return folder + entry.name + (entry.kind === 'folder' ? '/' : '');
}

