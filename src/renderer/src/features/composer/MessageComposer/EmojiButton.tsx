import { ActionIcon, Popover } from '@mantine/core';
import { IconMoodSmile } from '@tabler/icons-react';
import { EmojiPicker } from '../EmojiPicker/EmojiPicker';

/** Props of {@link EmojiButton}. */
export interface EmojiButtonProps {
  opened: boolean;
  onOpenedChange(opened: boolean): void;
  disabled: boolean;
  /** Id of the sentence saying why it is disabled. */
  describedBy: string | undefined;
  onPick(emoji: string): void;
  /** The picker closed without a pick (focus goes back to the message box). */
  onClose(): void;
}

/** The composer's **Emoji** button and its picker popover. */
export function EmojiButton({
  opened,
  onOpenedChange,
  disabled,
  describedBy,
  onPick,
  onClose,
}: EmojiButtonProps) {
  return (
    <Popover
      opened={opened}
      onChange={onOpenedChange}
      position="top-start"
      shadow="md"
      trapFocus
      returnFocus
      withinPortal
    >
      <Popover.Target>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label="Emoji"
          aria-describedby={describedBy}
          onClick={() => onOpenedChange(!opened)}
          disabled={disabled}
        >
          <IconMoodSmile size={18} aria-hidden />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        <EmojiPicker
          onPick={(emoji) => {
            onPick(emoji);
            onOpenedChange(false);
          }}
          onClose={() => {
            onOpenedChange(false);
            onClose();
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}
