import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { StatusChangeNotice } from './StatusChangeNotice';

describe('StatusChangeNotice', () => {
  it('says what changed and offers Undo', async () => {
    const onUndo = vi.fn();
    const { user } = render(<StatusChangeNotice text="Resolved Maria Souza" onUndo={onUndo} />);
    expect(screen.getByText('Resolved Maria Souza')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(onUndo).toHaveBeenCalled();
    await expectNoAxeViolations();
  });
});
