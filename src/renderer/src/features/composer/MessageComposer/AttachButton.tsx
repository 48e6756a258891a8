import { ActionIcon, FileButton, Tooltip } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { ACCEPT_ATTRIBUTE } from '../media-limits';

/** Props of {@link AttachButton}. */
export interface AttachButtonProps {
  /** Why attachments are refused now (its tooltip), or null when they may go. */
  reason: string | null;
  /** Id of the reason's sentence on screen, which describes the disabled button. */
  reasonId: string;
  disabled: boolean;
  onPick(files: File[]): void;
}

/** The composer's **Attach files** button: a file chooser, its tooltip the reason when disabled. */
export function AttachButton({ reason, reasonId, disabled, onPick }: AttachButtonProps) {
  return (
    <FileButton onChange={onPick} multiple accept={ACCEPT_ATTRIBUTE}>
      {(props) => (
        <Tooltip label={reason ?? 'Attach files (or drop or paste them)'} withArrow multiline maw={320}>
          {/* The span keeps the tooltip (a disabled button gets no pointer events). */}
          <span style={{ display: 'inline-flex' }}>
            <ActionIcon
              {...props}
              variant="subtle"
              color="gray"
              aria-label="Attach files"
              aria-describedby={reason ? reasonId : undefined}
              disabled={disabled}
            >
              <IconPaperclip size={18} aria-hidden />
            </ActionIcon>
          </span>
        </Tooltip>
      )}
    </FileButton>
  );
}
