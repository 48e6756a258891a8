import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '../../test-utils/render';
import { LIST_ZONE_ATTRIBUTE, useShortcuts, type ShortcutHandlers } from './useShortcuts';

function Harness({ handlers }: { handlers: ShortcutHandlers }) {
  useShortcuts(handlers);
  return (
    <>
      <input aria-label="Message" />
      <button type="button">Send</button>
      <div role="dialog" aria-label="Popup">
        <button type="button">Inside</button>
      </div>
      <div {...{ [LIST_ZONE_ATTRIBUTE]: '' }} tabIndex={0} aria-label="Zone" role="group" />
    </>
  );
}

describe('useShortcuts', () => {
  it('fires on the page, not while typing or inside a dialog; Mod+K fires everywhere', async () => {
    const handlers = { next: vi.fn(), palette: vi.fn(), open: vi.fn() };
    const { user } = render(<Harness handlers={handlers} />);
    await user.keyboard('j');
    expect(handlers.next).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('textbox', { name: 'Message' }));
    await user.keyboard('j');
    expect(handlers.next).toHaveBeenCalledTimes(1);
    await user.keyboard('{Control>}k{/Control}');
    expect(handlers.palette).toHaveBeenCalledTimes(1);

    screen.getByRole('button', { name: 'Inside' }).focus();
    await user.keyboard('j');
    expect(handlers.next).toHaveBeenCalledTimes(1);
  });

  it('leaves Enter and the arrows to the focused control outside the list zone', async () => {
    const handlers = { next: vi.fn(), open: vi.fn() };
    const { user } = render(<Harness handlers={handlers} />);
    screen.getByRole('button', { name: 'Send' }).focus();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(handlers.next).not.toHaveBeenCalled();
    expect(handlers.open).not.toHaveBeenCalled();
    screen.getByRole('group', { name: 'Zone' }).focus();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(handlers.next).toHaveBeenCalledTimes(1);
    expect(handlers.open).toHaveBeenCalledTimes(1);
  });
});
