import { describe, expect, it, vi } from 'vitest';
import { STAGE_MEDIA_MAX_BYTES, type IpcHandlers } from '#contract/ipc/contract';
import { dispatch } from './dispatch';

// Bad input on the media channels must come back as a sentence a person understands and never
// reach the handler (nothing staged, nothing opened).
describe('dispatch of the media channels', () => {
  const stage = vi.fn(async () => ({ ok: true as const, value: { mediaId: crypto.randomUUID() } }));
  const open = vi.fn(async () => ({ ok: true as const, value: { opened: true as const } }));
  const handlers = { 'media:stage': stage, 'media:open': open } as unknown as IpcHandlers;

  const rejects = async (channel: string, input: unknown, message: RegExp) => {
    const r = await dispatch(handlers, channel, input);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!r.ok) expect(r.error.message).toMatch(message);
  };

  it('refuses an empty file, a file over the limit, and bytes that are not bytes', async () => {
    await rejects('media:stage', { name: 'a.png', mimeType: 'image/png', bytes: new Uint8Array(0) }, /empty/);
    await rejects(
      'media:stage',
      { name: 'a.mp4', mimeType: 'video/mp4', bytes: new Uint8Array(STAGE_MEDIA_MAX_BYTES + 1) },
      /larger than WhatsApp allows/,
    );
    await rejects('media:stage', { name: 'a.png', mimeType: 'image/png', bytes: 'aGVsbG8=' }, /bytes/);
    await rejects('media:stage', { name: '  ', mimeType: 'image/png', bytes: new Uint8Array(1) }, /^name/);
    await rejects('media:open', { mediaId: '../../etc/passwd' }, /^mediaId/);
    expect(stage).not.toHaveBeenCalled();
    expect(open).not.toHaveBeenCalled();
  });

  it('hands a valid file to the handler, parsed', async () => {
    const r = await dispatch(handlers, 'media:stage', {
      name: ' cake.png ',
      mimeType: 'IMAGE/PNG',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(r.ok).toBe(true);
    expect(stage).toHaveBeenCalledWith(expect.objectContaining({ name: 'cake.png', mimeType: 'image/png' }));
  });
});

describe('dispatch', () => {
  it('refuses a channel outside the contract before anything runs', async () => {
    const r = await dispatch({} as IpcHandlers, 'fs:readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('answers internal, without the stack, when a handler throws', async () => {
    const seen: string[] = [];
    const handlers = {
      'app:info': async () => {
        throw new Error('secret detail at /home/x');
      },
    } as unknown as IpcHandlers;
    const r = await dispatch(handlers, 'app:info', undefined, (c) => seen.push(c));
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong. Try again.' },
    });
    expect(seen).toEqual(['app:info']);
  });
});
