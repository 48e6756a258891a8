import { Avatar, Box } from '@mantine/core';
import type { Availability } from '#contract/api/users';

/** The words for each availability (the dot's accessible label and menus). */
export const AVAILABILITY_LABEL: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  offline: 'Offline',
};

/**
 * The dot's colour per availability. Colour alone never carries the state: the avatar's
 * accessible name says it ("Ana — Away"), and away is a hollow ring, so the three differ in
 * shape as well as hue for people who cannot tell green from amber.
 */
const DOT: Record<Availability, { background: string; border: string }> = {
  available: { background: 'var(--mantine-color-teal-7)', border: 'var(--mantine-color-teal-7)' },
  away: { background: 'var(--mantine-color-body)', border: 'var(--mantine-color-orange-7)' },
  offline: { background: 'var(--mantine-color-gray-6)', border: 'var(--mantine-color-gray-6)' },
};

/** Up to two initials of a name. */
const initialsOf = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('') || '?';

/** The accessible name of a member's avatar: "Ana — Away". */
export const availabilityName = (name: string, availability: Availability): string =>
  `${name} — ${AVAILABILITY_LABEL[availability]}`;

/** Props of {@link AvailabilityDot} and {@link MemberAvatar}. */
export interface MemberAvatarProps {
  name: string;
  availability: Availability;
  /** Avatar diameter in px (the dot scales with it). */
  size?: number;
}

/** The availability dot alone, labelled ("Ana — Away"), for places with no room for an avatar. */
export function AvailabilityDot({ name, availability, size = 10 }: MemberAvatarProps) {
  const d = DOT[availability];
  return (
    <Box
      component="span"
      role="img"
      aria-label={availabilityName(name, availability)}
      data-availability={availability}
      style={{
        display: 'inline-block',
        flex: 'none',
        width: size,
        height: size,
        borderRadius: '50%',
        background: d.background,
        border: `2px solid ${d.border}`,
        boxSizing: 'border-box',
      }}
    />
  );
}

/** A member's initials with their availability dot at the bottom right, as one labelled image. */
export function MemberAvatar({ name, availability, size = 28 }: MemberAvatarProps) {
  const dot = Math.max(8, Math.round(size / 3));
  const d = DOT[availability];
  return (
    <Box
      component="span"
      role="img"
      aria-label={availabilityName(name, availability)}
      data-availability={availability}
      style={{ position: 'relative', display: 'inline-flex', flex: 'none' }}
    >
      <Avatar size={size} radius="xl" variant="filled" color="gray.8" aria-hidden>
        {initialsOf(name)}
      </Avatar>
      <span
        aria-hidden
        style={{
          position: 'absolute',
          right: -1,
          bottom: -1,
          width: dot,
          height: dot,
          borderRadius: '50%',
          background: d.background,
          border: `2px solid ${d.border}`,
          boxShadow: '0 0 0 2px var(--mantine-color-body)',
          boxSizing: 'border-box',
        }}
      />
    </Box>
  );
}
