/**
 * The keyboard map: every shortcut once, with the keys shown in the help dialog and the rule
 * that matches a key event. The handler (`useShortcuts`) and the help dialog both read it, so
 * the help can never drift from what the keys do.
 */

/** A shortcut's id; the layout binds each to an action. */
export type ShortcutId =
  | 'next'
  | 'previous'
  | 'open'
  | 'close'
  | 'resolve'
  | 'important'
  | 'search'
  | 'palette'
  | 'help'
  | 'tabOpen'
  | 'tabPending'
  | 'tabSnoozed'
  | 'tabResolved'
  | 'unreadFilter'
  | 'settings';

/** A shortcut as the help dialog lists it. */
export interface ShortcutDef {
  id: ShortcutId;
  /** Alternatives, each a list of keys pressed together ("Mod" is Ctrl, or ⌘ on a Mac). */
  keys: string[][];
  description: string;
  group: 'Conversation list' | 'Conversation' | 'Anywhere';
  /** Also fires while typing in a text field (only the palette). */
  whileTyping?: boolean;
  /** Only when focus is in the list or on nothing (arrow keys belong to whatever has focus). */
  listOnly?: boolean;
}

/** Every shortcut, in the order the help lists them. */
export const SHORTCUTS: readonly ShortcutDef[] = [
  { id: 'next', keys: [['↓'], ['J']], description: 'Next conversation', group: 'Conversation list' },
  { id: 'previous', keys: [['↑'], ['K']], description: 'Previous conversation', group: 'Conversation list' },
  {
    id: 'open',
    keys: [['Enter']],
    description: 'Open the selected conversation',
    group: 'Conversation list',
    listOnly: true,
  },
  { id: 'tabOpen', keys: [['1']], description: 'Show Open', group: 'Conversation list' },
  { id: 'tabPending', keys: [['2']], description: 'Show Pending', group: 'Conversation list' },
  { id: 'tabSnoozed', keys: [['3']], description: 'Show Snoozed', group: 'Conversation list' },
  { id: 'tabResolved', keys: [['4']], description: 'Show Resolved', group: 'Conversation list' },
  { id: 'unreadFilter', keys: [['U']], description: 'Only unread (toggle)', group: 'Conversation list' },
  { id: 'resolve', keys: [['E']], description: 'Resolve the selected conversation', group: 'Conversation' },
  { id: 'important', keys: [['I']], description: 'Mark important (toggle)', group: 'Conversation' },
  { id: 'close', keys: [['Esc']], description: 'Close the conversation', group: 'Conversation' },
  { id: 'search', keys: [['/']], description: 'Search', group: 'Anywhere' },
  {
    id: 'palette',
    keys: [['Mod', 'K']],
    description: 'Command palette',
    group: 'Anywhere',
    whileTyping: true,
  },
  { id: 'help', keys: [['?']], description: 'Keyboard shortcuts', group: 'Anywhere' },
  { id: 'settings', keys: [['Mod', ',']], description: 'Settings', group: 'Anywhere', whileTyping: true },
];

/** The platform's name for "Mod". */
export function modKeyLabel(isMac: boolean): string {
  return isMac ? '⌘' : 'Ctrl';
}

/** Whether this looks like a Mac (⌘ instead of Ctrl). */
export function isMacPlatform(): boolean {
  return (
    typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
  );
}

/** The parts of a key event the matcher reads (a KeyboardEvent fits). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Which shortcut a key press means, or null. */
export function matchShortcut(e: KeyPress, isMac: boolean): ShortcutId | null {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (mod && !e.altKey && e.key.toLowerCase() === 'k') return 'palette';
  if (mod && !e.altKey && e.key === ',') return 'settings';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return 'next';
    case 'ArrowUp':
    case 'k':
      return 'previous';
    case 'Enter':
      return 'open';
    case 'Escape':
      return 'close';
    case 'e':
      return 'resolve';
    case 'i':
      return 'important';
    case 'u':
      return 'unreadFilter';
    case '/':
      return 'search';
    case '?':
      return 'help';
    case '1':
      return 'tabOpen';
    case '2':
      return 'tabPending';
    case '3':
      return 'tabSnoozed';
    case '4':
      return 'tabResolved';
    default:
      return null;
  }
}

const NON_TEXT_INPUTS = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'range',
  'color',
  'file',
  'image',
]);

/** Whether the element takes typed text (then single-key shortcuts must not fire). */
export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(el.type);
  const role = el.getAttribute('role');
  return role === 'textbox' || role === 'combobox' || role === 'searchbox';
}
