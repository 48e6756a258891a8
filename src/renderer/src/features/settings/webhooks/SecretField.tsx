import { Alert, Button, CopyButton, Group, PasswordInput, Stack } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/**
 * A signing secret shown once (after creation or rotation): hidden until revealed, with a copy
 * button and the warning that Parley cannot show it again (it is sealed at rest).
 */
export function SecretField({ secret, rotated }: { secret: string; rotated?: boolean }) {
  return (
    <Stack gap="xs">
      <Group align="flex-end" wrap="nowrap">
        <PasswordInput
          label="Signing secret"
          description="Verify each delivery with it (Standard Webhooks; see the webhooks guide)."
          value={secret}
          readOnly
          style={{ flex: 1 }}
          visibilityToggleButtonProps={{ 'aria-label': 'Reveal signing secret' }}
        />
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy signing secret'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Alert color="yellow" variant="light" role="note" title="Shown only once">
        {rotated
          ? 'The previous secret keeps signing beside this one for 24 hours: update your receiver before then. '
          : ''}
        Parley cannot show this secret again. Copy it into your receiver’s configuration now; if it is lost,
        rotate the secret.
      </Alert>
    </Stack>
  );
}
