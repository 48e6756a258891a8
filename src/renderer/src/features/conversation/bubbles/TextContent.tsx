import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { FormattedText } from '../../../components/FormattedText';

/** Bodies longer than this are folded behind "Show more" so one message cannot swamp the thread. */
const FOLD_AT = 3_000;

/** Props of {@link TextContent}. */
export interface TextContentProps {
  text: string;
}

/** A text body (or caption) with WhatsApp formatting and safe links; very long bodies fold. */
export function TextContent({ text }: TextContentProps) {
  const [isExpanded, setExpanded] = useState(false);
  const isLong = text.length > FOLD_AT;
  const shown = isLong && !isExpanded ? `${text.slice(0, FOLD_AT)}…` : text;
  return (
    <>
      <Text size="sm" component="div">
        <FormattedText text={shown} />
      </Text>
      {isLong && (
        <Button variant="subtle" size="compact-xs" onClick={() => setExpanded((v) => !v)}>
          {isExpanded ? 'Show less' : `Show more (${text.length.toLocaleString()} characters)`}
        </Button>
      )}
    </>
  );
}
