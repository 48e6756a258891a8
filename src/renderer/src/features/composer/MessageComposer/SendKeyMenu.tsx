import { ActionIcon, Box, Menu, VisuallyHidden } from '@mantine/core';
import { IconCheck, IconDots } from '@tabler/icons-react';
import type { SendKey } from './send-key';

/** The composer's settings menu: which key sends (Enter or Ctrl+Enter). */
export function SendKeyMenu({ sendKey, onChange }: { sendKey: SendKey; onChange(key: SendKey): void }) {
  return (
    <Menu position="top-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label="Composer settings">
          <IconDots size={16} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Send with</Menu.Label>
        {(['enter', 'mod-enter'] as const).map((value) => (
          <Menu.Item
            key={value}
            leftSection={sendKey === value ? <IconCheck size={14} aria-hidden /> : <Box w={14} />}
            onClick={() => onChange(value)}
          >
            {value === 'enter'
              ? 'Enter sends (Shift+Enter for a new line)'
              : 'Ctrl+Enter sends (Enter for a new line)'}
            {sendKey === value ? <VisuallyHidden> (selected)</VisuallyHidden> : null}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
