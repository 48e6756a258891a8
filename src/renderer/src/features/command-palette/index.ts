// The command palette: the dialog and the command type the app fills it with.
export { CommandPalette, type CommandPaletteProps } from './CommandPalette/CommandPalette';
export { filterCommands, type Command } from './commands';
