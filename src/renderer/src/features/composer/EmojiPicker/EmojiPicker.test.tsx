import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import { EMOJI_CATEGORIES, EMOJI_COLUMNS, searchEmoji } from './emoji-data';
import { EmojiPicker } from './EmojiPicker';

const active = () => {
  const id = screen.getByRole('combobox', { name: 'Search emoji' }).getAttribute('aria-activedescendant');
  return id ? document.getElementById(id) : null;
};

describe('EmojiPicker', () => {
  it('is a searchable listbox of named emoji, accessible', async () => {
    render(<EmojiPicker onPick={vi.fn()} onClose={vi.fn()} />);
    expect(screen.getByRole('listbox', { name: 'Emoji' })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Smileys' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'thumbs up' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Search emoji' })).toHaveFocus();
    await expectNoAxeViolations();
  });

  it('moves through the grid with the arrow keys and picks with Enter', async () => {
    const onPick = vi.fn();
    const { user } = render(<EmojiPicker onPick={onPick} onClose={vi.fn()} />);
    expect(active()).toHaveAccessibleName('grinning face');
    await user.keyboard('{ArrowRight}');
    expect(active()).toHaveAccessibleName('grinning face with big eyes');
    await user.keyboard('{ArrowDown}');
    expect(active()).toHaveAccessibleName(EMOJI_CATEGORIES[0]!.emoji[1 + EMOJI_COLUMNS]!.name);
    await user.keyboard('{ArrowUp}{ArrowLeft}{ArrowLeft}');
    expect(active()).toHaveAccessibleName('grinning face');
    await user.keyboard('{End}');
    expect(active()).toHaveAccessibleName('ok button');
    await user.keyboard('{Home}{Enter}');
    expect(onPick).toHaveBeenCalledWith('😀');
    expect(active()).toHaveAttribute('aria-selected', 'true');
  });

  it('filters by name and keyword; Enter picks the first match', async () => {
    const onPick = vi.fn();
    const { user } = render(<EmojiPicker onPick={onPick} onClose={vi.fn()} />);
    await user.type(screen.getByRole('combobox', { name: 'Search emoji' }), 'delivery');
    expect(screen.getByRole('group', { name: 'Results' })).toBeInTheDocument();
    expect(screen.getAllByRole('option').map((o) => o.getAttribute('aria-label'))).toEqual([
      'package',
      'delivery truck',
    ]);
    await user.keyboard('{ArrowRight}{Enter}');
    expect(onPick).toHaveBeenCalledWith('🚚');
  });

  it('says when nothing matches, and Escape closes', async () => {
    const onClose = vi.fn();
    const { user } = render(<EmojiPicker onPick={vi.fn()} onClose={onClose} />);
    await user.type(screen.getByRole('combobox', { name: 'Search emoji' }), 'zzzz');
    expect(screen.getByText('No emoji match “zzzz”.')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('picks with the mouse', async () => {
    const onPick = vi.fn();
    const { user } = render(<EmojiPicker onPick={onPick} onClose={vi.fn()} />);
    await user.click(screen.getByRole('option', { name: 'red heart' }));
    expect(onPick).toHaveBeenCalledWith('❤️');
  });

  it('every category fills whole rows, so Up and Down stay in their column', () => {
    for (const c of EMOJI_CATEGORIES) expect(c.emoji.length % EMOJI_COLUMNS).toBe(0);
    expect(searchEmoji('thumbs').map((e) => e.emoji)).toEqual(['👍', '👎']);
  });
});
