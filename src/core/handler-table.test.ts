import { describe, expect, it, vi } from 'vitest';
import { channels } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import { silentLogger } from './deps';
import { withReplica, wrapHandlers, type HandlerTable } from './handler-table';

type Parts = { name: string };

/** A table answering every channel with its own name (replica ones with the replica's too). */
function table(): HandlerTable<Parts> {
  const t: Record<string, unknown> = {};
  for (const c of channels)
    t[c] = c.startsWith('app:') ? () => ok(c) : withReplica((s: Parts) => ok(`${c}@${s.name}`));
  return t as unknown as HandlerTable<Parts>;
}

describe('wrapHandlers', () => {
  it('wraps every contract channel', () => {
    const h = wrapHandlers(table(), { ready: Promise.resolve(), logger: silentLogger, replica: () => null });
    expect(Object.keys(h).sort()).toEqual([...channels].sort());
  });

  it('waits for startup before any handler runs', async () => {
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    const replica = vi.fn(() => ({ name: 'r1' }));
    const h = wrapHandlers(table(), { ready, logger: silentLogger, replica });
    const answer = h['members:list'](undefined);
    await Promise.resolve();
    expect(replica).not.toHaveBeenCalled();
    release();
    await expect(answer).resolves.toEqual(ok('members:list@r1'));
  });

  it('gives replica handlers the open replica, and answers unauthorized when signed out', async () => {
    let open: Parts | null = null;
    const h = wrapHandlers(table(), { ready: Promise.resolve(), logger: silentLogger, replica: () => open });
    await expect(h['teams:list'](undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    await expect(h['app:info'](undefined)).resolves.toEqual(ok('app:info'));
    open = { name: 'r2' };
    await expect(h['teams:list'](undefined)).resolves.toEqual(ok('teams:list@r2'));
  });

  it('turns a thrown bug into an internal Result and logs it with the channel', async () => {
    const logger = { ...silentLogger, error: vi.fn() };
    const t = table();
    t['session:get'] = () => {
      throw new Error('boom');
    };
    const h = wrapHandlers(t, { ready: Promise.resolve(), logger, replica: () => null });
    await expect(h['session:get'](undefined)).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong. Try again.' },
    });
    expect(logger.error).toHaveBeenCalledWith('core: session:get failed', expect.anything());
  });
});
