import { Box, Text } from '@mantine/core';
import { errorSentence } from '../format';

/** Props of {@link ErrorNotice}. */
export interface ErrorNoticeProps {
  message: string;
  code?: string | null;
  size?: 'xs' | 'sm';
  /** `alert` for an error just caused by the person; none for a listed past failure. */
  role?: 'alert';
}

/**
 * An error as a person reads it: a sentence (times in their locale) and, for support, the code
 * inside a closed "Details" disclosure — never an error code in the sentence itself.
 */
export function ErrorNotice({ message, code, size = 'sm', role }: ErrorNoticeProps) {
  return (
    <Box role={role}>
      <Text size={size} c="var(--mantine-color-error)">
        {errorSentence(message)}
      </Text>
      {code && (
        <Box component="details" fz="xs" c="dimmed">
          <summary style={{ cursor: 'pointer' }}>Details</summary>
          Error code: <code>{code}</code>
        </Box>
      )}
    </Box>
  );
}
