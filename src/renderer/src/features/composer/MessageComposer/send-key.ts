/** Which key combination sends: Enter (Shift+Enter adds a line) or Ctrl/Cmd+Enter (Enter adds a line). */
export type SendKey = 'enter' | 'mod-enter';

const KEY = 'parley.composer.sendKey';

/**
 * The send-key preference. Kept in this window's localStorage until the settings contract has
 * a field for it (then it belongs in `settings:set` with the theme).
 */
export function readSendKey(): SendKey {
  try {
    return window.localStorage.getItem(KEY) === 'mod-enter' ? 'mod-enter' : 'enter';
  } catch {
    return 'enter';
  }
}

/** Saves the send-key preference. */
export function writeSendKey(value: SendKey): void {
  try {
    window.localStorage.setItem(KEY, value);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this session only.
  }
}

/** Whether a keydown in the message box sends, under the preference. */
export function isSendKey(
  e: {
    key: string;
    shiftKey: boolean;
    ctrlKey: boolean;
    metaKey: boolean;
    altKey: boolean;
    isComposing?: boolean;
  },
  pref: SendKey,
): boolean {
  if (e.key !== 'Enter' || e.isComposing || e.altKey) return false;
  return pref === 'enter' ? !e.shiftKey && !e.ctrlKey && !e.metaKey : e.ctrlKey || e.metaKey;
}
