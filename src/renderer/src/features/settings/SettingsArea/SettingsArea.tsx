import { Box, NavLink, ScrollArea, Stack, Title } from '@mantine/core';
import {
  IconBuilding,
  IconForms,
  IconBrandWhatsapp,
  IconHistory,
  IconKey,
  IconMessage2Bolt,
  IconTags,
  IconTemplate,
  IconUser,
  IconUsers,
  IconUsersGroup,
  IconWebhook,
} from '@tabler/icons-react';
import { useId, useState } from 'react';
import type { SessionUser } from '#contract/api/auth';
import { ApiKeysSection } from '../api-keys/ApiKeysSection';
import { AuditSection } from '../audit/AuditSection';
import { OfflineNotice } from '../components/Notices';
import { MembersSection } from '../members/MembersSection';
import { NumbersSection } from '../numbers/NumbersSection';
import { OrganizationSection } from '../organization/OrganizationSection';
import { ProfileSection } from '../profile/ProfileSection';
import { sectionsFor, type SectionDef, type SectionId } from '../sections';
import { TeamsSection } from '../teams/TeamsSection';
import { WebhooksSection } from '../webhooks/WebhooksSection';
import { IntakesSection } from '../intakes/IntakesSection';
import { LabelsSection } from '../labels/LabelsSection';
import { CannedResponsesSection } from '../canned/CannedResponsesSection';
import { TemplatesSection } from '../templates/TemplatesSection';

/** Props of {@link SettingsArea}. */
export interface SettingsAreaProps {
  user: SessionUser;
  /** False while the app is offline: online-only sections say so instead of loading. */
  online: boolean;
  onOpenNotifications(): void;
  /** The section shown first (default: the first the role sees). */
  initialSection?: SectionId;
}

const ICONS: Record<SectionId, typeof IconUser> = {
  profile: IconUser,
  members: IconUsers,
  teams: IconUsersGroup,
  labels: IconTags,
  canned: IconMessage2Bolt,
  numbers: IconBrandWhatsapp,
  templates: IconTemplate,
  organization: IconBuilding,
  'api-keys': IconKey,
  webhooks: IconWebhook,
  intakes: IconForms,
  audit: IconHistory,
};

/**
 * The Settings area: the sections a role may use (others are not shown; the server refuses
 * them anyway), each online-only one saying so plainly while offline. Teams read from the
 * replica, so they show offline too.
 */
export function SettingsArea({ user, online, onOpenNotifications, initialSection }: SettingsAreaProps) {
  const sections = sectionsFor(user.role);
  const [current, setCurrent] = useState<SectionId>(
    sections.some((s) => s.id === initialSection) ? initialSection! : sections[0]!.id,
  );
  const headingId = useId();
  const section = sections.find((s) => s.id === current) ?? sections[0]!;
  return (
    <Box style={{ display: 'flex', height: '100%', minHeight: 0 }}>
      <Box
        component="nav"
        aria-label="Settings sections"
        p="xs"
        w={220}
        style={{ flexShrink: 0, borderRight: '1px solid var(--mantine-color-default-border)' }}
      >
        <Stack gap={2}>
          {sections.map((s) => {
            const Icon = ICONS[s.id];
            return (
              <NavLink
                key={s.id}
                component="button"
                type="button"
                label={s.label}
                active={s.id === section.id}
                aria-current={s.id === section.id ? 'page' : undefined}
                leftSection={<Icon size={18} aria-hidden />}
                onClick={() => setCurrent(s.id)}
              />
            );
          })}
        </Stack>
      </Box>
      <ScrollArea style={{ flex: 1 }}>
        <Box component="section" aria-labelledby={headingId} p="lg" maw={960}>
          <Title order={2} id={headingId} mb="md">
            {section.label}
          </Title>
          <SectionBody
            section={section}
            user={user}
            online={online}
            onOpenNotifications={onOpenNotifications}
          />
        </Box>
      </ScrollArea>
    </Box>
  );
}

function SectionBody({
  section,
  user,
  online,
  onOpenNotifications,
}: {
  section: SectionDef;
  user: SessionUser;
  online: boolean;
  onOpenNotifications(): void;
}) {
  switch (section.id) {
    case 'profile':
      return <ProfileSection user={user} online={online} onOpenNotifications={onOpenNotifications} />;
    case 'teams':
      return <TeamsSection user={user} online={online} />;
    case 'labels':
      return <LabelsSection user={user} online={online} />;
    case 'canned':
      return <CannedResponsesSection user={user} online={online} />;
    case 'templates':
      // The list reads from the replica (offline too); its actions say when they need the server.
      return <TemplatesSection user={user} online={online} />;
    default:
      break;
  }
  if (!online) return <OfflineNotice note={section.offlineNote} />;
  switch (section.id) {
    case 'members':
      return <MembersSection user={user} />;
    case 'numbers':
      return <NumbersSection />;
    case 'organization':
      return <OrganizationSection />;
    case 'api-keys':
      return <ApiKeysSection />;
    case 'webhooks':
      return <WebhooksSection />;
    case 'intakes':
      return <IntakesSection />;
    case 'audit':
      return <AuditSection />;
    default:
      return null;
  }
}
