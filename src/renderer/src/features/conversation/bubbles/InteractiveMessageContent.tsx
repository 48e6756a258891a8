import { Anchor, Badge, Box, Group, Stack, Text } from '@mantine/core';
import { IconExternalLink, IconList, IconPointer } from '@tabler/icons-react';
import type { InteractiveContent } from '#contract/api/interactive';
import { safeLabel } from '../../../components/FormattedText';
import { TextContent } from './TextContent';

/** Props of {@link InteractiveMessageContent}. */
export interface InteractiveMessageContentProps {
  message: InteractiveContent;
}

const KIND: Record<InteractiveContent['kind'], string> = {
  buttons: 'Reply buttons',
  list: 'List',
  cta_url: 'Link button',
};

/** Only http(s) links become anchors (the contract allows no other, but a row is data). */
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? url : undefined);

/**
 * An interactive message the business sent (reply buttons, a list, a call-to-action URL
 * button), shown as the customer sees it: header, body, footer, then what they can tap. The
 * buttons and rows are the customer's to tap, so here they are labels, not controls.
 */
export function InteractiveMessageContent({ message: m }: InteractiveMessageContentProps) {
  return (
    <Box>
      <Group gap={6} mb={6} wrap="nowrap">
        {m.kind === 'list' ? <IconList size={14} aria-hidden /> : <IconPointer size={14} aria-hidden />}
        <Badge size="xs" variant="light" tt="none">
          {KIND[m.kind]}
        </Badge>
      </Group>
      {m.header && (
        <Text size="sm" fw={700} style={{ overflowWrap: 'anywhere' }}>
          {safeLabel(m.header, 60)}
        </Text>
      )}
      <TextContent text={m.body} />
      {m.footer && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {safeLabel(m.footer, 60)}
        </Text>
      )}
      {m.kind === 'buttons' && (
        <Stack gap={4} mt={6} component="ul" aria-label="Reply buttons" className="pv-choice-list">
          {m.buttons.map((b) => (
            <Box component="li" key={b.id} className="pv-choice">
              {safeLabel(b.title, 20)}
            </Box>
          ))}
        </Stack>
      )}
      {m.kind === 'list' && (
        <Box mt={6}>
          <Box className="pv-choice">{safeLabel(m.button, 20)}</Box>
          {m.sections.map((s, i) => (
            <Box key={i} mt={4}>
              {s.title && (
                <Text size="xs" fw={600} c="dimmed">
                  {safeLabel(s.title, 24)}
                </Text>
              )}
              <Stack
                gap={2}
                component="ul"
                aria-label={s.title ? `Rows: ${safeLabel(s.title, 24)}` : 'Rows'}
                className="pv-choice-list"
              >
                {s.rows.map((r) => (
                  <Box component="li" key={r.id}>
                    <Text size="sm">{safeLabel(r.title, 24)}</Text>
                    {r.description && (
                      <Text size="xs" c="dimmed">
                        {safeLabel(r.description, 72)}
                      </Text>
                    )}
                  </Box>
                ))}
              </Stack>
            </Box>
          ))}
        </Box>
      )}
      {m.kind === 'cta_url' && (
        <Anchor
          href={safeHref(m.url)}
          target="_blank"
          rel="noopener noreferrer"
          className="pv-choice"
          // Anchor's own colour (the primary) is 4.32:1 on the outbound tint; the text colour passes.
          c="var(--mantine-color-text)"
          mt={6}
          display="flex"
          title={m.url}
        >
          <IconExternalLink size={14} aria-hidden />
          <span>{safeLabel(m.displayText, 20)}</span>
        </Anchor>
      )}
    </Box>
  );
}
