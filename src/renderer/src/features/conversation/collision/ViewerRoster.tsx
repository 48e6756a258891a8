import { Avatar, Group, Tooltip } from '@mantine/core';
import type { Availability } from '#contract/api/users';
import { MemberAvatar } from '../../../components/MemberAvatar';

/** One teammate in the open conversation. */
export interface Viewer {
  id: string;
  name: string;
  availability: Availability;
}

/** Props of {@link ViewerRoster}. */
export interface ViewerRosterProps {
  /** Everyone else here (typing or viewing), in the order to show them. */
  viewers: readonly Viewer[];
  /** Avatars shown at most, the overflow "+N" counting as one. */
  max?: number;
}

/**
 * Everyone else in this conversation as overlapping avatars, with their availability dots; past
 * `max`, a "+N" whose tooltip and accessible name list the rest, so the roster is complete for
 * every reader. The group's name lists everyone too.
 */
export function ViewerRoster({ viewers, max = 3 }: ViewerRosterProps) {
  if (viewers.length === 0) return null;
  const shown = viewers.length > max ? viewers.slice(0, max - 1) : viewers;
  const rest = viewers.slice(shown.length);
  return (
    <Group
      gap={0}
      wrap="nowrap"
      role="group"
      aria-label={`Also here: ${viewers.map((v) => v.name).join(', ')}`}
      data-testid="viewer-roster"
    >
      {shown.map((v, i) => (
        <Tooltip key={v.id} label={v.name} withArrow>
          <span style={{ display: 'inline-flex', marginLeft: i === 0 ? 0 : -6 }}>
            <MemberAvatar name={v.name} availability={v.availability} size={24} />
          </span>
        </Tooltip>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.map((v) => v.name).join(', ')} withArrow multiline maw={260}>
          <span
            role="img"
            aria-label={`${rest.length} more: ${rest.map((v) => v.name).join(', ')}`}
            style={{ display: 'inline-flex', marginLeft: -6 }}
          >
            <Avatar size={24} radius="xl" variant="filled" color="gray.6" aria-hidden>
              +{rest.length}
            </Avatar>
          </span>
        </Tooltip>
      )}
    </Group>
  );
}
