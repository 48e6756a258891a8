import { describe, expect, it } from 'vitest';
import type { BusinessHoursRow } from '#contract/api/organization';
import { expectNoAxeViolations, render, screen } from '../../test-utils/render';
import { BusinessHoursIndicator } from './BusinessHoursIndicator';

const hours: BusinessHoursRow = {
  id: '0190a1b2-0000-7000-8000-0000000000a1',
  timeZone: 'Europe/Lisbon',
  businessHours: [
    [{ from: '09:00', to: '18:00' }],
    [{ from: '09:00', to: '18:00' }],
    [{ from: '09:00', to: '18:00' }],
    [{ from: '09:00', to: '18:00' }],
    [{ from: '09:00', to: '18:00' }],
    [],
    [],
  ],
  awayMessage: { enabled: true, gapMinutes: 720 },
};
/** Monday 5 January 2026 (Lisbon is on UTC in winter). */
const at = (iso: string) => () => Date.parse(iso);

describe('BusinessHoursIndicator', () => {
  it('says nothing during business hours, or without hours', () => {
    const { rerender } = render(<BusinessHoursIndicator hours={hours} now={at('2026-01-05T10:00:00Z')} />);
    expect(screen.getByRole('status', { name: 'Business hours' })).toBeEmptyDOMElement();
    rerender(
      <BusinessHoursIndicator hours={{ ...hours, businessHours: null }} now={at('2026-01-10T10:00:00Z')} />,
    );
    expect(screen.getByRole('status', { name: 'Business hours' })).toBeEmptyDOMElement();
    rerender(<BusinessHoursIndicator hours={null} now={at('2026-01-10T10:00:00Z')} />);
    expect(screen.getByRole('status', { name: 'Business hours' })).toBeEmptyDOMElement();
  });

  it('says when it opens and whether the away message answers, in words', async () => {
    const { rerender } = render(<BusinessHoursIndicator hours={hours} now={at('2026-01-09T19:00:00Z')} />);
    expect(screen.getByRole('status', { name: 'Business hours' })).toHaveTextContent(
      'Outside business hours. Opens Monday at 09:00 (Europe/Lisbon). The away message answers customers who write now.',
    );
    await expectNoAxeViolations();
    rerender(
      <BusinessHoursIndicator
        hours={{ ...hours, awayMessage: { enabled: false, gapMinutes: 720 } }}
        now={at('2026-01-05T07:00:00Z')}
      />,
    );
    expect(screen.getByRole('status', { name: 'Business hours' })).toHaveTextContent(
      'Outside business hours. Opens today at 09:00 (Europe/Lisbon). The away message is off.',
    );
  });
});
