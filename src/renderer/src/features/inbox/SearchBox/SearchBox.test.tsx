import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations, render, screen, waitFor } from '../../../test-utils/render';
import { SearchBox } from './SearchBox';

describe('SearchBox', () => {
  it('searches after a short pause, once per burst of typing', async () => {
    const onSearch = vi.fn();
    const { user } = render(<SearchBox onSearch={onSearch} />);
    const box = screen.getByRole('searchbox', { name: 'Search' });
    expect(screen.getByRole('search')).toContainElement(box);
    await user.type(box, 'maria');
    await waitFor(() => expect(onSearch).toHaveBeenCalledWith('maria'));
    expect(onSearch).toHaveBeenCalledTimes(1);
    await expectNoAxeViolations();
  });

  it('clears with Escape or the clear button, then hands focus back', async () => {
    const onSearch = vi.fn();
    const onLeave = vi.fn();
    const { user } = render(<SearchBox onSearch={onSearch} onLeave={onLeave} />);
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(box, 'abc');
    await user.click(screen.getByRole('button', { name: 'Clear search' }));
    expect(box).toHaveValue('');
    expect(onSearch).toHaveBeenLastCalledWith('');
    await user.type(box, 'xyz{Escape}');
    expect(box).toHaveValue('');
    expect(onLeave).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    expect(onLeave).toHaveBeenCalled();
  });
});
