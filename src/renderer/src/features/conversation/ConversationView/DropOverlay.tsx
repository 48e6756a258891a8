import { Stack, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';

/** Props of {@link DropOverlay}. */
export interface DropOverlayProps {
  contactName: string;
  /** The 24-hour window is open (files may be sent). */
  isWindowOpen: boolean;
}

/** What covers the conversation while files are dragged over it: where they go, or why not. */
export function DropOverlay({ contactName, isWindowOpen }: DropOverlayProps) {
  return (
    <div className="pv-view-drop" aria-hidden>
      <Stack align="center" gap={4}>
        <IconUpload size={36} />
        {isWindowOpen ? (
          <Text fw={600}>Drop files to send them to {contactName}</Text>
        ) : (
          <Text fw={600} ta="center" maw={420}>
            Files can&apos;t be sent: the 24-hour reply window has closed. Send a template instead.
          </Text>
        )}
      </Stack>
    </div>
  );
}
