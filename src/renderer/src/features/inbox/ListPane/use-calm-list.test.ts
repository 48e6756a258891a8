import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useCalmList } from './use-calm-list';

const rows = (...ids: string[]) => ids.map((id) => ({ id, text: `row ${id}` }));

describe('useCalmList', () => {
  it('passes rows through until held; then holds order and new rows, counting them', () => {
    const { result, rerender } = renderHook(({ items, key }) => useCalmList(items, key), {
      initialProps: { items: rows('a', 'b', 'c'), key: 'mine/open' },
    });
    expect(result.current.shown.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    act(() => result.current.hold());
    // c gets a message (moves to the top) and d arrives.
    rerender({
      items: [{ id: 'd', text: 'new' }, { id: 'c', text: 'updated' }, ...rows('a', 'b')],
      key: 'mine/open',
    });
    expect(result.current.shown.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    // The row keeps its place but shows its latest data.
    expect(result.current.shown[2]).toEqual({ id: 'c', text: 'updated' });
    // One new (d) and one moved (c).
    expect(result.current.pending).toBe(2);
    act(() => result.current.apply());
    expect(result.current.shown.map((r) => r.id)).toEqual(['d', 'c', 'a', 'b']);
    expect(result.current.pending).toBe(0);
  });

  it('lets removed rows go at once, and releases on leave', () => {
    const { result, rerender } = renderHook(({ items, key }) => useCalmList(items, key), {
      initialProps: { items: rows('a', 'b', 'c'), key: 'k' },
    });
    act(() => result.current.hold());
    rerender({ items: rows('a', 'c'), key: 'k' });
    expect(result.current.shown.map((r) => r.id)).toEqual(['a', 'c']);
    expect(result.current.pending).toBe(0);
    rerender({ items: rows('x', 'a', 'c'), key: 'k' });
    expect(result.current.pending).toBe(1);
    act(() => result.current.release());
    expect(result.current.shown.map((r) => r.id)).toEqual(['x', 'a', 'c']);
  });

  it('never holds back a query the person asked for', () => {
    const { result, rerender } = renderHook(({ items, key }) => useCalmList(items, key), {
      initialProps: { items: rows('a', 'b'), key: 'mine/open' },
    });
    act(() => result.current.hold());
    rerender({ items: rows('p', 'q'), key: 'mine/pending' });
    expect(result.current.shown.map((r) => r.id)).toEqual(['p', 'q']);
    rerender({ items: rows('z', 'p', 'q'), key: 'mine/pending' });
    expect(result.current.shown.map((r) => r.id)).toEqual(['p', 'q']);
    expect(result.current.pending).toBe(1);
  });
});
