import { Alert, Button, Center, Group, Loader, Text } from '@mantine/core';
import { IconAlertCircle, IconPlugConnectedX } from '@tabler/icons-react';
import type { AppError } from '#contract/result';
import { describeError } from './server-errors';

/** What an online-only section shows while offline: a plain sentence, never a blank screen. */
export function OfflineNotice({ note }: { note: string }) {
  return (
    <Alert
      color="gray"
      variant="light"
      title="You are offline"
      icon={<IconPlugConnectedX aria-hidden />}
      role="status"
    >
      {note} This part of Settings needs the server; it works again as soon as Parley reconnects.
    </Alert>
  );
}

/** A failed read, with a way to try again. */
export function LoadError({ error, onRetry, what }: { error: AppError; onRetry(): void; what: string }) {
  return (
    <Alert
      color="red"
      variant="light"
      title={`Could not load ${what}`}
      icon={<IconAlertCircle aria-hidden />}
    >
      <Text size="sm">{describeError(error)}</Text>
      <Group mt="sm">
        <Button size="xs" variant="default" onClick={onRetry}>
          Try again
        </Button>
      </Group>
    </Alert>
  );
}

/** A read under way. */
export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl">
      <Loader size="sm" role="status" aria-label={`Loading ${what}`} />
    </Center>
  );
}

/** The outcome of an action, under the list it acted on. */
export function ActionError({ error, title }: { error: AppError; title: string }) {
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertCircle aria-hidden />}>
      {describeError(error)}
    </Alert>
  );
}
