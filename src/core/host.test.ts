import { describe, expect, it, vi } from 'vitest';
import { parentPortAdapter } from './host';

describe('core host entry', () => {
  it('does nothing when imported outside an Electron utility process', async () => {
    expect('parentPort' in process).toBe(false);
    await expect(import('./host')).resolves.toHaveProperty('createHostedCore');
  });

  it("adapts Electron's parentPort: unwraps {data} events and posts plain messages", () => {
    let listener: ((e: { data: unknown }) => void) | undefined;
    const pp = {
      postMessage: vi.fn(),
      on: vi.fn((_: 'message', l: (e: { data: unknown }) => void) => (listener = l)),
    };
    const port = parentPortAdapter(pp);
    const seen: unknown[] = [];
    port.onMessage((m) => seen.push(m));
    listener?.({ data: { kind: 'shutdown' } });
    port.post({ kind: 'ready' });
    expect(seen).toEqual([{ kind: 'shutdown' }]);
    expect(pp.postMessage).toHaveBeenCalledWith({ kind: 'ready' });
  });
});
