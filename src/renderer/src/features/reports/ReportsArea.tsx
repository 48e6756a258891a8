import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Box, Group, Paper, ScrollArea, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { Durations, ReportOverview, ReportRow } from '#contract/api/reports';
import { useParleyClient } from '../../api';
import { LoadError, Loading } from '../settings/components/Notices';
import { useRemote } from '../settings/components/useRemote';
import { daysCsv, formatDuration, heatmapCsv, rowsCsv } from './csv';
import { InboundHeatmap } from './InboundHeatmap';
import { downloadCsv, ExportCsvButton, ReportTable } from './ReportTable';

// The Reports area (issue 13, managers and admins): a range of local days, the totals, charts
// per day, the inbound heatmap and the per-agent/team/number tables, each exportable as CSV.
// Online-only like administration: the server computes everything from its stored events.

/** `YYYY-MM-DD` of a date `offset` days from today (local). */
const dayFrom = (offset: number) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

const p90 = (d: Durations) =>
  d.count ? `p90 ${formatDuration(d.p90Seconds)} · ${d.count}` : 'none in range';

const rowCells = (r: ReportRow, first: 'opened' | 'out') => [
  r.name,
  first === 'opened' ? r.opened : r.messagesOut,
  r.resolved,
  ...(first === 'opened' ? [r.messagesIn, r.messagesOut] : []),
  formatDuration(r.firstResponse.medianSeconds),
  formatDuration(r.firstResponse.p90Seconds),
  formatDuration(r.resolution.medianSeconds),
  formatDuration(r.resolution.p90Seconds),
];
const DURATION_COLUMNS = [
  'First response (median)',
  'First response (p90)',
  'Resolution (median)',
  'Resolution (p90)',
];

export function ReportsArea({ online }: { online: boolean }) {
  const client = useParleyClient();
  const [range, setRange] = useState<[string | null, string | null]>([dayFrom(-29), dayFrom(0)]);
  const [asked, setAsked] = useState<{ from: string; to: string }>({ from: dayFrom(-29), to: dayFrom(0) });
  const load = useCallback(() => client.call('admin:reportOverview', asked), [client, asked]);
  const report = useRemote<ReportOverview>(load, online);
  const onRange = (v: [string | null, string | null]) => {
    setRange(v);
    if (v[0] && v[1]) setAsked({ from: v[0], to: v[1] });
  };
  const r = report.data;
  const file = (what: string) => `parley-${what}-${asked.from}-to-${asked.to}.csv`;

  return (
    <ScrollArea h="100%" type="auto">
      <Stack p="lg" gap="lg" maw={1200}>
        <Group justify="space-between" align="flex-end">
          <Box>
            <Title order={2}>Reports</Title>
            {r && (
              <Text size="sm" c="dimmed">
                Days in {r.timeZone}.{' '}
                {r.businessHours
                  ? 'Durations count business hours only.'
                  : 'Durations count every hour (no business hours set).'}
              </Text>
            )}
          </Box>
          <DatePickerInput
            type="range"
            label="Date range"
            value={range}
            onChange={(v) => onRange(v as [string | null, string | null])}
            maxDate={dayFrom(0)}
            allowSingleDateInRange
            w={360}
            presets={[
              { value: [dayFrom(-6), dayFrom(0)], label: 'Last 7 days' },
              { value: [dayFrom(-29), dayFrom(0)], label: 'Last 30 days' },
              { value: [dayFrom(-89), dayFrom(0)], label: 'Last 90 days' },
            ]}
          />
        </Group>
        {!online && !r && (
          <Alert
            color="gray"
            variant="light"
            title="You are offline"
            icon={<IconPlugConnectedX aria-hidden />}
            role="status"
          >
            Connect to see reports. The server computes them; they come back as soon as Parley reconnects.
          </Alert>
        )}
        {online && report.error && !r && (
          <LoadError error={report.error} onRetry={() => void report.reload()} what="the reports" />
        )}
        {online && !r && !report.error && <Loading what="the reports" />}
        {r && (
          <>
            <SimpleGrid cols={{ base: 3, lg: 6 }} spacing="sm" aria-busy={report.loading}>
              <Stat label="Conversations opened" value={String(r.totals.opened)} hint="new and reopened" />
              <Stat label="Resolved" value={String(r.totals.resolved)} />
              <Stat label="Messages in" value={String(r.totals.messagesIn)} />
              <Stat label="Messages out" value={String(r.totals.messagesOut)} />
              <Stat
                label="First response (median)"
                value={formatDuration(r.totals.firstResponse.medianSeconds)}
                hint={p90(r.totals.firstResponse)}
              />
              <Stat
                label="Resolution (median)"
                value={formatDuration(r.totals.resolution.medianSeconds)}
                hint={p90(r.totals.resolution)}
              />
            </SimpleGrid>
            <SimpleGrid cols={2} spacing="lg">
              <Box>
                <Title order={3} size="h5" mb={4}>
                  Conversations per day
                </Title>
                <BarChart
                  h={200}
                  data={r.byDay}
                  dataKey="date"
                  withLegend
                  series={[
                    { name: 'opened', label: 'Opened', color: 'blue.6' },
                    { name: 'resolved', label: 'Resolved', color: 'teal.6' },
                  ]}
                  aria-label="Conversations opened and resolved per day"
                />
              </Box>
              <Box>
                <Title order={3} size="h5" mb={4}>
                  Messages per day
                </Title>
                <LineChart
                  h={200}
                  data={r.byDay}
                  dataKey="date"
                  withLegend
                  curveType="monotone"
                  series={[
                    { name: 'messagesIn', label: 'In', color: 'grape.6' },
                    { name: 'messagesOut', label: 'Out', color: 'orange.6' },
                  ]}
                  aria-label="Messages in and out per day"
                />
              </Box>
            </SimpleGrid>
            <section aria-label="Inbound heatmap">
              <Group justify="space-between" mb={4}>
                <Title order={3} size="h5">
                  Inbound messages by weekday and hour
                </Title>
                <ExportCsvButton
                  what="Inbound heatmap"
                  onClick={() => downloadCsv(file('heatmap'), heatmapCsv(r))}
                />
              </Group>
              <InboundHeatmap report={r} />
            </section>
            <ReportTable
              title="Agents"
              columns={['Agent', 'Messages sent', 'Resolved', ...DURATION_COLUMNS]}
              rows={r.byAgent.map((a) => rowCells(a, 'out'))}
              onExport={() => downloadCsv(file('agents'), rowsCsv('agent', r.byAgent))}
            />
            <ReportTable
              title="Teams"
              columns={['Team', 'Opened', 'Resolved', 'In', 'Out', ...DURATION_COLUMNS]}
              rows={r.byTeam.map((t) => rowCells(t, 'opened'))}
              onExport={() => downloadCsv(file('teams'), rowsCsv('team', r.byTeam))}
            />
            <ReportTable
              title="WhatsApp numbers"
              columns={['Number', 'Opened', 'Resolved', 'In', 'Out', ...DURATION_COLUMNS]}
              rows={r.byNumber.map((n) => rowCells(n, 'opened'))}
              onExport={() => downloadCsv(file('numbers'), rowsCsv('number', r.byNumber))}
            />
            <ReportTable
              title="Days"
              columns={['Date', 'Opened', 'Resolved', 'In', 'Out']}
              rows={r.byDay.map((d) => [d.date, d.opened, d.resolved, d.messagesIn, d.messagesOut])}
              onExport={() => downloadCsv(file('days'), daysCsv(r.byDay))}
            />
          </>
        )}
      </Stack>
    </ScrollArea>
  );
}
