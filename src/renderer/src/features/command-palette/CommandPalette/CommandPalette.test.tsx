import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen, waitFor, within } from '../../../test-utils/render';
import type { Command } from '../commands';
import { CommandPalette } from './CommandPalette';

function commands(): Command[] {
  return [
    { id: 'mine', label: 'Go to Mine', group: 'Go to', run: vi.fn() },
    { id: 'all', label: 'Go to All', group: 'Go to', run: vi.fn() },
    { id: 'resolve', label: 'Resolve', group: 'Conversation with Maria', hint: 'E', run: vi.fn() },
    { id: 'dark', label: 'Dark theme', group: 'Theme', run: vi.fn() },
  ];
}

describe('CommandPalette', () => {
  it('is a dialog with a Command combobox over a grouped listbox', async () => {
    render(<CommandPalette opened onClose={vi.fn()} commands={commands()} />);
    const dialog = screen.getByRole('dialog', { name: 'Command palette' });
    const box = within(dialog).getByRole('combobox', { name: 'Command' });
    const list = within(dialog).getByRole('listbox', { name: 'Commands' });
    expect(box).toHaveAttribute('aria-controls', list.id);
    expect(within(list).getByRole('group', { name: 'Theme' })).toBeInTheDocument();
    expect(box).toHaveAttribute('aria-activedescendant', within(list).getAllByRole('option')[0]!.id);
    await expectNoAxeViolations();
  });

  it('filters as you type, moves with the arrows and runs with Enter', async () => {
    const list = commands();
    const onClose = vi.fn();
    const { user } = render(<CommandPalette opened onClose={onClose} commands={list} />);
    const box = screen.getByRole('combobox', { name: 'Command' });
    await waitFor(() => expect(box).toHaveFocus());
    await user.keyboard('go');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Go to Mine', 'Go to All']);
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('option', { name: 'Go to All' })).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Enter}');
    expect(onClose).toHaveBeenCalled();
    expect(list[1]!.run).toHaveBeenCalled();
  });

  it('runs a command on click and says when nothing matches', async () => {
    const list = commands();
    const { user } = render(<CommandPalette opened onClose={vi.fn()} commands={list} />);
    await user.click(screen.getByRole('option', { name: /Dark theme/ }));
    expect(list[3]!.run).toHaveBeenCalled();
    await user.type(screen.getByRole('combobox', { name: 'Command' }), 'zebra');
    expect(screen.getByText('No command matches “zebra”.')).toBeInTheDocument();
  });
});
