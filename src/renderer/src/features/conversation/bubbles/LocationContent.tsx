import { Anchor, Box, Group, Text } from '@mantine/core';
import { IconMapPin } from '@tabler/icons-react';
import type { Location } from '#contract/api/messages';
import { safeHttpUrl, safeLabel } from '../../../components/FormattedText';

/** Props of {@link LocationContent}. */
export interface LocationContentProps {
  location: Location;
}

/** Coordinates as "52.52000, 13.40500". */
const coords = (l: Location) => `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`;

/** An OpenStreetMap link for coordinates (opened in the system browser). */
export function mapUrl(l: Location): string {
  const lat = l.latitude.toFixed(6);
  const lng = l.longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`;
}

/** A shared location: name, address, coordinates, a map link and the place's own link when safe. */
export function LocationContent({ location }: LocationContentProps) {
  const name = safeLabel(location.name, 200);
  const address = safeLabel(location.address, 300);
  const placeUrl = location.url ? safeHttpUrl(location.url) : null;
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" miw={200}>
      <IconMapPin size={28} aria-hidden style={{ flex: 'none' }} />
      <Box miw={0}>
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {name || 'Shared location'}
        </Text>
        {address && (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {address}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {coords(location)}
        </Text>
        <Group gap="sm">
          <Anchor size="sm" href={mapUrl(location)} target="_blank" rel="noopener noreferrer">
            Open in map
          </Anchor>
          {placeUrl && (
            <Anchor size="sm" href={placeUrl} target="_blank" rel="noopener noreferrer" title={placeUrl}>
              Website
            </Anchor>
          )}
        </Group>
      </Box>
    </Group>
  );
}
