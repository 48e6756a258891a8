import { VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import type { ThreadMessage } from '#contract/ipc/contract';
import { messageSummary } from '../../../components/format';

/** Props of {@link NewMessageAnnouncer}. */
export interface NewMessageAnnouncerProps {
  /** The newest customer message in the thread. */
  latest: ThreadMessage | undefined;
  contactName: string;
}

/**
 * A polite live region that reads out customer messages arriving while the conversation is
 * open. Mount it once the thread has loaded: what was there on opening is not announced.
 */
export function NewMessageAnnouncer({ latest, contactName }: NewMessageAnnouncerProps) {
  const [idOnOpen] = useState(latest?.id);
  const text =
    latest && latest.id !== idOnOpen ? `New message from ${contactName}: ${messageSummary(latest, 200)}` : '';
  return (
    <VisuallyHidden role="status" aria-live="polite">
      {text}
    </VisuallyHidden>
  );
}
