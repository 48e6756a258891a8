import { Table, Text } from '@mantine/core';
import type { ReportOverview } from '#contract/api/reports';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Inbound messages per weekday × hour in the organization's time zone: a table (readable by
 * screen readers cell by cell, each cell titled with its count) shaded by volume.
 */
export function InboundHeatmap({ report }: { report: Pick<ReportOverview, 'heatmap' | 'timeZone'> }) {
  const grid = DAYS.map(() => Array<number>(24).fill(0));
  for (const c of report.heatmap) grid[c.weekday - 1]![c.hour] = c.count;
  const max = Math.max(1, ...report.heatmap.map((c) => c.count));
  return (
    <Table
      aria-label={`Inbound messages by weekday and hour (${report.timeZone})`}
      withRowBorders={false}
      horizontalSpacing={0}
      verticalSpacing={0}
      style={{ tableLayout: 'fixed', borderCollapse: 'separate', borderSpacing: 2 }}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40} />
          {Array.from({ length: 24 }, (_, h) => (
            <Table.Th key={h} ta="center">
              <Text size="xs" c="dimmed" fw={400}>
                {h % 3 === 0 ? h : ''}
              </Text>
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {grid.map((row, d) => (
          <Table.Tr key={DAYS[d]}>
            <Table.Th scope="row">
              <Text size="xs" fw={500}>
                {DAYS[d]}
              </Text>
            </Table.Th>
            {row.map((n, h) => (
              <Table.Td
                key={h}
                title={`${LONG[d]} ${h}:00–${h + 1}:00: ${n} inbound`}
                aria-label={`${LONG[d]} ${h}:00: ${n}`}
                style={{
                  height: 18,
                  borderRadius: 3,
                  background:
                    n === 0
                      ? 'var(--mantine-color-default-border)'
                      : `color-mix(in srgb, var(--mantine-color-teal-filled) ${Math.round(15 + (85 * n) / max)}%, transparent)`,
                }}
              />
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
