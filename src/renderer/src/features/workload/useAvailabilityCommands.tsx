import { IconChartBar, IconCircleCheck, IconMoon } from '@tabler/icons-react';
import { useMemo } from 'react';
import type { Availability, ChosenAvailability } from '#contract/api/users';
import type { Command } from '../command-palette';

/** The palette's availability commands, and "Open Team workload" for managers and admins. */
export function useAvailabilityCommands(deps: {
  enabled: boolean;
  availability: Availability | undefined;
  setAvailability(a: ChosenAvailability): void;
  /** Absent for agents (no workload view). */
  openWorkload?: (() => void) | undefined;
}): Command[] {
  const { enabled, availability, setAvailability, openWorkload } = deps;
  return useMemo(() => {
    if (!enabled) return [];
    const out: Command[] = [];
    if (availability !== 'available' && availability !== 'offline')
      out.push({
        id: 'availability:available',
        group: 'You',
        label: 'Set yourself Available',
        keywords: 'availability status online back',
        icon: <IconCircleCheck size={16} aria-hidden />,
        run: () => setAvailability('available'),
      });
    if (availability !== 'away')
      out.push({
        id: 'availability:away',
        group: 'You',
        label: 'Set yourself Away',
        keywords: 'availability status break lunch',
        icon: <IconMoon size={16} aria-hidden />,
        run: () => setAvailability('away'),
      });
    if (openWorkload)
      out.push({
        id: 'workload',
        group: 'Go to',
        label: 'Go to Team workload',
        keywords: 'workload capacity queue team load',
        icon: <IconChartBar size={16} aria-hidden />,
        run: openWorkload,
      });
    return out;
  }, [enabled, availability, setAvailability, openWorkload]);
}
