import { Anchor, Box, Divider, Group, Stack, Text } from '@mantine/core';
import { IconAddressBook } from '@tabler/icons-react';
import { Fragment } from 'react';
import type { ContactCard } from '#contract/api/messages';
import { safeHttpUrl, safeLabel } from '../../../components/FormattedText';

/** Props of {@link ContactsContent}. */
export interface ContactsContentProps {
  contacts: ContactCard[];
}

/** Contact cards: name, organization, phones (with WhatsApp ids), emails and safe links. */
export function ContactsContent({ contacts }: ContactsContentProps) {
  return (
    <Stack gap={6} miw={200}>
      {contacts.slice(0, 20).map((card, index) => (
        <Fragment key={index}>
          {index > 0 && <Divider />}
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <IconAddressBook size={26} aria-hidden style={{ flex: 'none' }} />
            <Box miw={0}>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                {safeLabel(card.name.formattedName) || 'Contact'}
              </Text>
              {card.organization && (
                <Text size="xs" c="dimmed">
                  {safeLabel(card.organization)}
                </Text>
              )}
              {card.phones.slice(0, 10).map((p, i) => (
                <Text size="sm" key={`p${i}`}>
                  {safeLabel(p.phone, 40)}
                  {p.type ? ` (${safeLabel(p.type, 20).toLowerCase()})` : ''}
                  {p.waId ? ' · on WhatsApp' : ''}
                </Text>
              ))}
              {card.emails.slice(0, 10).map((e, i) => (
                <Text size="sm" key={`e${i}`} style={{ overflowWrap: 'anywhere' }}>
                  {safeLabel(e.email, 120)}
                </Text>
              ))}
              {card.urls.slice(0, 5).map((u, i) => {
                const url = safeHttpUrl(u);
                return url ? (
                  <Anchor
                    key={`u${i}`}
                    size="sm"
                    href={url}
                    target="_blank"
                    rel="noopener noreferrer"
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    {url}
                  </Anchor>
                ) : (
                  <Text key={`u${i}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {safeLabel(u, 120)}
                  </Text>
                );
              })}
            </Box>
          </Group>
        </Fragment>
      ))}
    </Stack>
  );
}
