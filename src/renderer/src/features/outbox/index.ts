// The outbox tray (header button and popover).
export { OutboxTray, type OutboxTrayProps } from './OutboxTray/OutboxTray';
