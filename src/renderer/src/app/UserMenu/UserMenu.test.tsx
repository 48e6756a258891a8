import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '../../test-utils/render';
import { UserMenu } from './UserMenu';

describe('UserMenu availability', () => {
  it('shows your availability as a labelled dot and sets it from the menu', async () => {
    const onSetAvailability = vi.fn();
    const { user } = render(
      <UserMenu
        userName="Ada Lovelace"
        themeMode="light"
        onThemeChange={vi.fn()}
        onOpenProfile={vi.fn()}
        onSignOut={vi.fn()}
        availability="available"
        onSetAvailability={onSetAvailability}
      />,
    );
    expect(screen.getByRole('img', { name: 'Ada Lovelace — Available' })).toBeInTheDocument();
    // Nothing but the avatar and the button: no stray text beside them.
    expect(screen.getByRole('img', { name: 'Ada Lovelace — Available' }).parentElement).toHaveTextContent(
      /^ALAda Lovelace$/,
    );
    await user.click(screen.getByRole('button', { name: 'User menu: Ada Lovelace' }));
    expect(await screen.findByRole('menuitem', { name: 'Available' })).toHaveAttribute(
      'aria-current',
      'true',
    );
    await user.click(screen.getByRole('menuitem', { name: 'Away' }));
    expect(onSetAvailability).toHaveBeenCalledWith('away');
  });
});
