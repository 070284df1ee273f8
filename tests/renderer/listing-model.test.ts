/** The file manager listing's rules: order, filter, selection by mouse and keyboard, and which actions apply. */
import { describe, expect, it } from 'vitest';
import type { ObjectEntry } from '../../src/shared/contract';
import {
  ariaSort,
  clickSelect,
  defaultSort,
  emptySelection,
  enabledActions,
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
} from '../../src/renderer/features/browser/listing-model';

const file = (name: string, size: number, day: number, prefix = 'p/'): ObjectEntry => ({
  kind: 'object',
  key: prefix + name,
  name,
  size,
  lastModified: new Date(Date.UTC(2026, 0, day)).toISOString(),
});
const folder = (name: string, prefix = 'p/'): ObjectEntry => ({ kind: 'folder', key: `${prefix}${name}/`, name });

const entries = [file('b.txt', 30, 2), folder('zeta'), file('a10.txt', 10, 3), file('a9.txt', 20, 1), folder('alpha'), file('Big.bin', 99, 4)];
const names = (list: ObjectEntry[]) => list.map((e) => e.name);
const order = visibleEntries(entries, '', defaultSort).map((e) => e.key);

describe('order and filter', () => {
  it('puts folders first, then files by name with numbers in numeric order and case ignored', () => {
    expect(names(visibleEntries(entries, '', defaultSort))).toEqual(['alpha', 'zeta', 'a9.txt', 'a10.txt', 'b.txt', 'Big.bin']);
  });

  it('sorts by size and date both ways, folders still first', () => {
    expect(names(visibleEntries(entries, '', { key: 'size', dir: 'asc' }))).toEqual(['alpha', 'zeta', 'a10.txt', 'a9.txt', 'b.txt', 'Big.bin']);
    expect(names(visibleEntries(entries, '', { key: 'size', dir: 'desc' }))).toEqual(['alpha', 'zeta', 'Big.bin', 'b.txt', 'a9.txt', 'a10.txt']);
    expect(names(visibleEntries(entries, '', { key: 'date', dir: 'desc' }))).toEqual(['alpha', 'zeta', 'Big.bin', 'a10.txt', 'b.txt', 'a9.txt']);
  });

  it('filters by name within the folder, case-insensitively, and an empty folder still shows', () => {
    expect(names(visibleEntries(entries, ' B', defaultSort))).toEqual(['b.txt', 'Big.bin']);
    expect(names(visibleEntries(entries, 'nothing', defaultSort))).toEqual([]);
    expect(names(visibleEntries([folder('empty')], '', defaultSort))).toEqual(['empty']);
  });

  it('flips the direction on a second click of a column and says so in aria-sort', () => {
    const bySize = nextSort(defaultSort, 'size');
    expect(bySize).toEqual({ key: 'size', dir: 'asc' });
    expect(nextSort(bySize, 'size')).toEqual({ key: 'size', dir: 'desc' });
    expect(ariaSort(nextSort(bySize, 'size'), 'size')).toBe('descending');
    expect(ariaSort(bySize, 'name')).toBe('none');
  });
});

describe('selection', () => {
  it('click selects one, ctrl-click toggles, shift-click selects the range from the anchor', () => {
    let sel = clickSelect(emptySelection, order, 'p/a9.txt');
    expect([...sel.keys]).toEqual(['p/a9.txt']);
    sel = clickSelect(sel, order, 'p/b.txt', { shift: true });
    expect([...sel.keys]).toEqual(['p/a9.txt', 'p/a10.txt', 'p/b.txt']);
    sel = clickSelect(sel, order, 'p/a10.txt', { toggle: true });
    expect([...sel.keys].sort()).toEqual(['p/a9.txt', 'p/b.txt']);
    sel = clickSelect(sel, order, 'p/alpha/', { toggle: true });
    expect(sel.keys.size).toBe(3);
    // A plain click starts again.
    expect([...clickSelect(sel, order, 'p/zeta/').keys]).toEqual(['p/zeta/']);
  });

  it('shift-click extends upwards too, and ctrl+shift adds the range to the selection', () => {
    let sel = clickSelect(emptySelection, order, 'p/Big.bin');
    sel = clickSelect(sel, order, 'p/a10.txt', { shift: true });
    expect([...sel.keys]).toEqual(['p/a10.txt', 'p/b.txt', 'p/Big.bin']);
    sel = clickSelect(clickSelect(emptySelection, order, 'p/alpha/'), order, 'p/a9.txt', { toggle: true });
    sel = clickSelect(sel, order, 'p/b.txt', { shift: true, toggle: true });
    expect([...sel.keys].sort()).toEqual(['p/a10.txt', 'p/a9.txt', 'p/alpha/', 'p/b.txt']);
  });

  it('arrows move and select, shift+arrows extend, ctrl+arrows only move and space toggles', () => {
    let sel = moveSelect(emptySelection, order, 'down');
    expect(sel.focus).toBe('p/alpha/');
    sel = moveSelect(sel, order, 'down');
    expect([...sel.keys]).toEqual(['p/zeta/']);
    sel = moveSelect(moveSelect(sel, order, 'down', { shift: true }), order, 'down', { shift: true });
    expect([...sel.keys]).toEqual(['p/zeta/', 'p/a9.txt', 'p/a10.txt']);
    sel = moveSelect(sel, order, 'down', { toggle: true });
    expect(sel.focus).toBe('p/b.txt');
    expect(sel.keys.has('p/b.txt')).toBe(false);
    sel = toggleFocused(sel);
    expect(sel.keys.has('p/b.txt')).toBe(true);
    expect(toggleFocused(sel).keys.has('p/b.txt')).toBe(false);
    expect(moveSelect(sel, order, 'end').focus).toBe('p/Big.bin');
    expect(moveSelect(sel, order, 'home').focus).toBe('p/alpha/');
    // The ends hold.
    expect(moveSelect(moveSelect(sel, order, 'home'), order, 'up').focus).toBe('p/alpha/');
    expect(moveSelect(emptySelection, [], 'down')).toBe(emptySelection);
  });

  it('ctrl+A selects every row shown, and rows that disappear leave the selection', () => {
    const shown = visibleEntries(entries, 'a', defaultSort);
    const all = selectAll(emptySelection, shown.map((e) => e.key));
    expect(names(selectedEntries(shown, all))).toEqual(['alpha', 'zeta', 'a9.txt', 'a10.txt']);
    const pruned = pruneSelection(all, ['p/a9.txt']);
    expect([...pruned.keys]).toEqual(['p/a9.txt']);
    expect(pruned.focus).toBeUndefined();
    expect(pruneSelection(pruned, ['p/a9.txt'])).toBe(pruned);
  });
});

describe('actions', () => {
  it('offer rename for exactly one entry, properties and links for one file, the rest for any selection', () => {
    expect(enabledActions([])).toMatchObject({ download: false, delete: false, rename: false, move: false, newFolder: true, properties: false, copyLink: false });
    expect(enabledActions([file('a', 1, 1)])).toMatchObject({ download: true, delete: true, rename: true, properties: true, copyLink: true });
    expect(enabledActions([folder('f')])).toMatchObject({ download: true, rename: true, properties: false, copyLink: false });
    expect(enabledActions([file('a', 1, 1), folder('f')])).toMatchObject({ download: true, delete: true, move: true, rename: false, properties: false });
    // Inside a ".." folder (another tool's key) nothing new can be named there; moving out and the rest stay.
    expect(enabledActions([], 'a/../')).toMatchObject({ newFolder: false });
    expect(enabledActions([file('a', 1, 1)], '../')).toMatchObject({ download: true, delete: true, move: true, rename: false, newFolder: false, properties: true, copyLink: true });
    expect(enabledActions([file('a', 1, 1)], 'a..b/')).toMatchObject({ rename: true, newFolder: true });
  });

  it('refuse empty names, slashes and dot names, and build the renamed and moved keys', () => {
    expect(nameProblem('  ')).toBe('empty');
    expect(nameProblem('a/b')).toBe('slash');
    expect(nameProblem('..')).toBe('dots');
    expect(nameProblem('ok name.txt')).toBeUndefined();
    expect(renamedKey(file('a.txt', 1, 1), ' b.txt ')).toBe('p/b.txt');
    expect(renamedKey(folder('old'), 'new')).toBe('p/new/');
    expect(renamedKey(file('top.txt', 1, 1, ''), 'x')).toBe('x');
    expect(movedKey(file('a.txt', 1, 1), '/archive/2026')).toBe('archive/2026/a.txt');
    expect(movedKey(folder('old'), '')).toBe('old/');
    expect(movedKey(folder('old'), 'x/')).toBe('x/old/');
  });
});
