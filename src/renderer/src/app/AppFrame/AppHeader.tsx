import { AppShell, Group, Text, Title } from '@mantine/core';
import { IconBrandWhatsapp } from '@tabler/icons-react';
import { memo } from 'react';
import type { BusinessHoursRow } from '#contract/api/organization';
import type { Availability, ChosenAvailability } from '#contract/api/users';
import type { SyncStatus, ThemeMode } from '#contract/ipc/contract';
import { BusinessHoursIndicator } from '../../components/BusinessHoursIndicator';
import { ConnectionIndicator } from '../../components/ConnectionIndicator';
import { OutboxTray } from '../../features/outbox';
import { UserMenu } from '../UserMenu/UserMenu';

/** Props of {@link AppHeader}. */
export interface AppHeaderProps {
  organizationName: string;
  userName: string;
  syncStatus: SyncStatus;
  /** The organization's business hours from the replica ("Outside business hours" in the header). */
  businessHours?: BusinessHoursRow | null | undefined;
  themeMode: ThemeMode | undefined;
  isOutboxOpen: boolean;
  onOutboxOpenChange(opened: boolean): void;
  onOpenConversation(conversationId: string): void;
  onThemeChange(mode: ThemeMode): void;
  onOpenProfile(): void;
  onOpenNotifications(): void;
  onOpenShortcuts(): void;
  onOpenPalette(): void;
  onSignOut(): void;
  availability?: Availability | undefined;
  onSetAvailability?(availability: ChosenAvailability): void;
}

/**
 * The window's header: organization, business hours, connection state, outbox tray and user menu. Memoized:
 * list updates re-render the inbox, not this.
 */
export const AppHeader = memo(function AppHeader(props: AppHeaderProps) {
  return (
    <AppShell.Header>
      <Group h="100%" px="md" justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" miw={0}>
          <IconBrandWhatsapp aria-hidden color="var(--mantine-color-anchor)" />
          <Title order={1} size="h4" lineClamp={1}>
            {props.organizationName}
          </Title>
          <Text size="sm" c="dimmed" visibleFrom="sm">
            Parley
          </Text>
        </Group>
        <Group gap="sm" wrap="nowrap">
          <BusinessHoursIndicator hours={props.businessHours} />
          <ConnectionIndicator status={props.syncStatus} />
          <OutboxTray
            status={props.syncStatus}
            opened={props.isOutboxOpen}
            onOpenedChange={props.onOutboxOpenChange}
            onOpenConversation={props.onOpenConversation}
          />
          <UserMenu
            userName={props.userName}
            themeMode={props.themeMode}
            onThemeChange={props.onThemeChange}
            onOpenProfile={props.onOpenProfile}
            onOpenNotifications={props.onOpenNotifications}
            onOpenShortcuts={props.onOpenShortcuts}
            onOpenPalette={props.onOpenPalette}
            onSignOut={props.onSignOut}
            availability={props.availability}
            {...(props.onSetAvailability && { onSetAvailability: props.onSetAvailability })}
          />
        </Group>
      </Group>
    </AppShell.Header>
  );
});
