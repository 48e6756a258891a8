// Keyboard shortcuts: the map, the binding hook and the help dialog.
export { SHORTCUTS, matchShortcut, isTypingTarget, type ShortcutId, type ShortcutDef } from './keyboard-map';
export { useShortcuts, LIST_ZONE_ATTRIBUTE, type ShortcutHandlers } from './useShortcuts';
export { ShortcutsDialog, type ShortcutsDialogProps } from './ShortcutsDialog/ShortcutsDialog';
