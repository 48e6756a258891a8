import { describe, expect, it } from 'vitest';
import { csvField, daysCsv, formatDuration, heatmapCsv, rowsCsv } from './csv';

describe('reports CSV', () => {
  it('quotes fields with commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('Ana')).toBe('Ana');
    expect(csvField('Smith, Ana')).toBe('"Smith, Ana"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(-3)).toBe('-3');
  });

  it('writes a table with its header and empty cells for missing durations', () => {
    const d = { count: 0, medianSeconds: null, p90Seconds: null };
    const csv = rowsCsv('agent', [
      {
        id: null,
        name: 'Ana, Sales',
        opened: 1,
        resolved: 2,
        messagesIn: 3,
        messagesOut: 4,
        firstResponse: { count: 2, medianSeconds: 60, p90Seconds: 90 },
        resolution: d,
      },
    ]);
    expect(csv).toBe(
      'agent,opened,resolved,messages_in,messages_out,first_responses,first_response_median_s,first_response_p90_s,resolution_median_s,resolution_p90_s\r\n' +
        '"Ana, Sales",1,2,3,4,2,60,90,,\r\n',
    );
    expect(daysCsv([{ date: '2026-01-05', opened: 1, resolved: 0, messagesIn: 2, messagesOut: 3 }])).toBe(
      'date,opened,resolved,messages_in,messages_out\r\n2026-01-05,1,0,2,3\r\n',
    );
    const heat = heatmapCsv({ heatmap: [{ weekday: 7, hour: 23, count: 5 }] }).split('\r\n');
    expect(heat[7]).toBe(`Sunday,${Array(23).fill(0).join(',')},5`);
  });

  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(1800)).toBe('30 min');
    expect(formatDuration(12_000)).toBe('3 h 20 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(3 * 86400 + 3600)).toBe('3 d 1 h');
  });
});
