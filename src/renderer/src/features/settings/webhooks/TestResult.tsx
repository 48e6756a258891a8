import { Alert, Code, Stack, Text } from '@mantine/core';
import type { WebhookDelivery } from '#contract/api/webhooks';
import { describeAttempt, lastAttempt } from './describe';

/** The answer to "Send test event": status, duration and the start of the receiver's body. */
export function TestResult({ delivery }: { delivery: WebhookDelivery }) {
  const a = lastAttempt(delivery);
  const ok = delivery.state === 'succeeded';
  return (
    <Alert
      color={ok ? 'green' : 'red'}
      variant="light"
      role="status"
      title={ok ? 'Test event delivered' : 'Test event failed'}
    >
      <Stack gap={4}>
        <Text size="sm">{a ? `The endpoint answered ${describeAttempt(a)}.` : 'No attempt was made.'}</Text>
        {a?.responseBody && (
          <>
            <Text size="xs" fw={500}>
              Response body
            </Text>
            <Code block style={{ maxHeight: 120, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
              {a.responseBody}
            </Code>
          </>
        )}
      </Stack>
    </Alert>
  );
}
