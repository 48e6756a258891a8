import { Button, Group, ScrollArea, Table, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** Saves `csv` as a file through the browser's download (the Electron shell allows downloads). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "Export CSV", named after what it exports ("Export CSV: Agents": the visible text first, for speech input). */
export function ExportCsvButton({ what, onClick }: { what: string; onClick(): void }) {
  return (
    <Button
      size="compact-sm"
      variant="default"
      leftSection={<IconDownload size={14} aria-hidden />}
      onClick={onClick}
      aria-label={`Export CSV: ${what}`}
    >
      Export CSV
    </Button>
  );
}

/** A titled report table with its "Export CSV" button (named after the table). */
export function ReportTable({
  title,
  columns,
  rows,
  onExport,
  empty = 'Nothing in this range.',
}: {
  title: string;
  columns: string[];
  rows: ReactNode[][];
  onExport(): void;
  empty?: string;
}) {
  return (
    <section aria-label={title}>
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          {title}
        </Title>
        <ExportCsvButton what={title} onClick={onExport} />
      </Group>
      <ScrollArea.Autosize mah={320}>
        <Table striped highlightOnHover withTableBorder aria-label={title} fz="sm">
          <Table.Thead>
            <Table.Tr>
              {columns.map((c, i) => (
                <Table.Th key={c} ta={i === 0 ? 'left' : 'right'}>
                  {c}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={columns.length} c="dimmed">
                  {empty}
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((r, i) => (
                <Table.Tr key={i}>
                  {r.map((cell, j) => (
                    <Table.Td key={j} ta={j === 0 ? 'left' : 'right'}>
                      {cell}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))
            )}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </section>
  );
}
