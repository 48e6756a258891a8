import { describe, expect, it } from 'vitest';
import { isTypingTarget, matchShortcut, SHORTCUTS, type KeyPress } from './keyboard-map';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard map', () => {
  it('maps keys to shortcuts, Mod+K to the palette on each platform', () => {
    expect(matchShortcut(press('j'), false)).toBe('next');
    expect(matchShortcut(press('ArrowDown'), false)).toBe('next');
    expect(matchShortcut(press('k'), false)).toBe('previous');
    expect(matchShortcut(press('e'), false)).toBe('resolve');
    expect(matchShortcut(press('?', { shiftKey: true }), false)).toBe('help');
    expect(matchShortcut(press('/'), false)).toBe('search');
    expect(matchShortcut(press('k', { ctrlKey: true }), false)).toBe('palette');
    expect(matchShortcut(press('k', { metaKey: true }), true)).toBe('palette');
    expect(matchShortcut(press('K', { metaKey: true, shiftKey: true }), true)).toBe('palette');
    expect(matchShortcut(press('k', { metaKey: true }), false)).toBeNull();
    expect(matchShortcut(press('e', { ctrlKey: true }), false)).toBeNull();
    expect(matchShortcut(press('x'), false)).toBeNull();
  });

  it('documents every shortcut it matches', () => {
    const ids = new Set(SHORTCUTS.map((s) => s.id));
    for (const key of ['j', 'k', 'ArrowUp', 'Enter', 'Escape', 'e', 'i', 'u', '/', '?', '1', '2', '3', '4']) {
      const id = matchShortcut(press(key), false);
      expect(id && ids.has(id), key).toBe(true);
    }
  });

  it('knows which elements take typed text', () => {
    const input = document.createElement('input');
    expect(isTypingTarget(input)).toBe(true);
    input.type = 'checkbox';
    expect(isTypingTarget(input)).toBe(false);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(isTypingTarget(editable)).toBe(true);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
