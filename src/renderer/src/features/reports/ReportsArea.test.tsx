import { describe, expect, it } from 'vitest';
import type { ReportOverview } from '#contract/api/reports';
import { ok } from '#contract/result';
import { createFakeParley, render, screen, signedInSession, within } from '../../test-utils/render';
import { ReportsArea } from './ReportsArea';

const d = (count: number, medianSeconds: number | null, p90Seconds: number | null) => ({
  count,
  medianSeconds,
  p90Seconds,
});

const report: ReportOverview = {
  from: '2026-01-05',
  to: '2026-01-06',
  timeZone: 'Europe/Lisbon',
  businessHours: true,
  totals: {
    opened: 4,
    resolved: 2,
    messagesIn: 5,
    messagesOut: 6,
    firstResponse: d(4, 1800, 2430),
    resolution: d(2, 9900, 14940),
  },
  byDay: [
    { date: '2026-01-05', opened: 3, resolved: 1, messagesIn: 4, messagesOut: 5 },
    { date: '2026-01-06', opened: 1, resolved: 1, messagesIn: 1, messagesOut: 1 },
  ],
  heatmap: [{ weekday: 1, hour: 9, count: 4 }],
  byAgent: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'Ana',
      opened: 0,
      resolved: 2,
      messagesIn: 0,
      messagesOut: 6,
      firstResponse: d(4, 1800, 2430),
      resolution: d(2, 9900, 14940),
    },
  ],
  byTeam: [],
  byNumber: [],
};

describe('ReportsArea', () => {
  it('asks the server for the last 30 days and shows totals, durations and tables', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['admin:reportOverview'].mockImplementation(async () => ok(report));
    render(<ReportsArea online />, { parley });
    const opened = await screen.findByRole('group', { name: 'Conversations opened' });
    expect(opened).toHaveTextContent('4');
    expect(screen.getByRole('group', { name: 'First response (median)' })).toHaveTextContent('30 min');
    expect(screen.getByRole('group', { name: 'First response (median)' })).toHaveTextContent(
      'p90 41 min · 4',
    );
    expect(screen.getByText(/Durations count business hours only/)).toBeInTheDocument();
    const agents = screen.getByRole('table', { name: 'Agents' });
    expect(within(agents).getByRole('row', { name: /Ana/ })).toHaveTextContent('2 h 45 min');
    expect(screen.getByRole('table', { name: 'Teams' })).toHaveTextContent('Nothing in this range.');
    expect(screen.getByRole('button', { name: 'Export CSV: Agents' })).toBeEnabled();
    const asked = parley['admin:reportOverview'].mock.calls[0]![0] as { from: string; to: string };
    expect((Date.parse(asked.to) - Date.parse(asked.from)) / 86_400_000).toBe(29);
  });

  it('says so offline instead of loading forever', async () => {
    const parley = createFakeParley({ session: signedInSession });
    render(<ReportsArea online={false} />, { parley });
    expect(await screen.findByRole('status')).toHaveTextContent('Connect to see reports.');
    expect(parley['admin:reportOverview']).not.toHaveBeenCalled();
  });
});
