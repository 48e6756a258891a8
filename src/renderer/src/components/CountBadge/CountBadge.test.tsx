import { describe, expect, it } from 'vitest';
import { render, screen } from '../../test-utils/render';
import { CountBadge, countSentence } from './CountBadge';

describe('CountBadge', () => {
  it('shows one number (unread) and both in its tooltip', async () => {
    const { user } = render(<CountBadge unread={12} total={13} totalNoun="open" />);
    expect(screen.getByText('12')).toBeInTheDocument();
    expect(screen.queryByText('13')).not.toBeInTheDocument();
    await user.hover(screen.getByText('12'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent('12 unread, 13 open');
  });

  it('shows nothing when nothing is unread', () => {
    const { container } = render(<CountBadge unread={0} total={13} totalNoun="open" />);
    expect(container.textContent).not.toContain('13');
    expect(countSentence(0, 13, 'open')).toBe('0 unread, 13 open');
  });
});
