import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  orderedIds,
  prune,
  selectAll,
  selectRange,
  toggle,
  type Selection,
} from './selection';

const order = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: Selection) => [...s.ids].sort();

describe('selection', () => {
  it('toggles one row and makes it the anchor', () => {
    const s = toggle(EMPTY_SELECTION, 'b');
    expect(ids(s)).toEqual(['b']);
    expect(s.anchor).toBe('b');
    const t = toggle(s, 'b');
    expect(ids(t)).toEqual([]);
    expect(t.anchor).toBe('b');
  });

  it('Shift-click checks the range from the anchor, in either direction', () => {
    const down = selectRange(toggle(EMPTY_SELECTION, 'b'), order, 'd');
    expect(ids(down)).toEqual(['b', 'c', 'd']);
    expect(down.anchor).toBe('b');
    const up = selectRange(toggle(EMPTY_SELECTION, 'd'), order, 'a');
    expect(ids(up)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a second Shift-click re-measures from the same anchor and keeps other checks', () => {
    let s = toggle(EMPTY_SELECTION, 'e');
    s = toggle(s, 'b');
    s = selectRange(s, order, 'c');
    expect(ids(s)).toEqual(['b', 'c', 'e']);
  });

  it('Shift-click from an unchecked anchor unchecks the range', () => {
    let s = selectAll(EMPTY_SELECTION, order);
    s = toggle(s, 'b'); // b off, anchor b
    s = selectRange(s, order, 'd');
    expect(ids(s)).toEqual(['a', 'e']);
  });

  it('Shift-click without an anchor in the list is a toggle', () => {
    const s = selectRange({ ids: new Set(['x']), anchor: 'x' }, order, 'c');
    expect(ids(s)).toEqual(['c', 'x']);
    expect(s.anchor).toBe('c');
  });

  it('select all takes the filtered list; again clears it', () => {
    const s = selectAll(toggle(EMPTY_SELECTION, 'a'), order);
    expect(ids(s)).toEqual(order);
    expect(selectAll(s, order)).toBe(EMPTY_SELECTION);
    expect(ids(selectAll(EMPTY_SELECTION, []))).toEqual([]);
  });

  it('prune drops rows that left the list and keeps the value when nothing did', () => {
    const s = selectRange(toggle(EMPTY_SELECTION, 'a'), order, 'c');
    expect(prune(s, order)).toBe(s);
    const p = prune(s, ['b', 'c', 'd']);
    expect(ids(p)).toEqual(['b', 'c']);
    expect(p.anchor).toBeNull();
  });

  it('orderedIds follows the list order, not the click order', () => {
    let s = toggle(EMPTY_SELECTION, 'd');
    s = toggle(s, 'a');
    expect(orderedIds(s, order)).toEqual(['a', 'd']);
  });
});
