import { describe, expect, it, vi } from 'vitest';
import { createDeepLinks, registerDeepLinks } from './deep-links';

vi.mock('electron', () => ({}));

const LINK = 'parley://invite?server=https%3A%2F%2Fparley.example.com#tok-123';

describe('invite deep links', () => {
  it('keeps an invite link until the page takes it, once', async () => {
    const links = createDeepLinks();
    expect(links.offer(LINK)).toBe(true);
    expect(await links.take()).toEqual({ ok: true, value: { link: LINK } });
    expect(await links.take()).toEqual({ ok: true, value: { link: null } });
  });

  it('ignores other links and invite links without a server or token', () => {
    const links = createDeepLinks();
    expect(links.offer('parley://app/index.html')).toBe(false);
    expect(links.offer('parley://invite#tok-123')).toBe(false);
    expect(links.offer('parley://invite?server=https%3A%2F%2Fx.example')).toBe(false);
    expect(links.offer('https://parley.example.com/invite#tok')).toBe(false);
  });

  it('finds the link among command-line arguments (Windows and Linux)', async () => {
    const links = createDeepLinks();
    expect(links.offerArgv(['/opt/parley/parley', '--no-sandbox', LINK])).toBe(true);
    expect((await links.take()).ok && (await links.take())).toBeTruthy();
  });

  it('registers the scheme and focuses the window for an open-url link (macOS)', async () => {
    const handlers = new Map<string, (...a: unknown[]) => void>();
    const app = {
      setAsDefaultProtocolClient: vi.fn(() => true),
      on: vi.fn((event: string, cb: (...a: unknown[]) => void) => handlers.set(event, cb)),
    };
    const links = createDeepLinks();
    const focus = vi.fn();
    registerDeepLinks(app as never, links, focus);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('parley');
    const event = { preventDefault: vi.fn() };
    handlers.get('open-url')!(event, LINK);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(focus).toHaveBeenCalledTimes(1);
    expect(await links.take()).toEqual({ ok: true, value: { link: LINK } });
    handlers.get('open-url')!(event, 'parley://something-else');
    expect(focus).toHaveBeenCalledTimes(1);
  });
});
