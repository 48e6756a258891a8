import { describe, expect, it } from 'vitest';
import { checkMedia, normalizedMimeType } from './media-limits';

const file = (name: string, type: string, size: number) => ({ name, type, size });
const MB = 1024 * 1024;

describe('checkMedia', () => {
  it('accepts each WhatsApp type within its limit', () => {
    expect(checkMedia(file('a.jpg', 'image/jpeg', 4 * MB), 'a.jpg')).toEqual({
      ok: true,
      type: 'image',
      mimeType: 'image/jpeg',
    });
    expect(checkMedia(file('a.mp4', 'video/mp4', 16 * MB), 'a.mp4')).toMatchObject({
      ok: true,
      type: 'video',
    });
    expect(checkMedia(file('a.ogg', 'audio/ogg; codecs=opus', MB), 'a.ogg')).toMatchObject({
      ok: true,
      type: 'audio',
    });
    expect(checkMedia(file('a.pdf', 'application/pdf', 99 * MB), 'a.pdf')).toMatchObject({
      ok: true,
      type: 'document',
    });
    expect(checkMedia(file('a.webp', 'image/webp', 90 * 1024), 'a.webp')).toMatchObject({
      ok: true,
      type: 'sticker',
    });
  });

  it('rejects files over the limit with the sizes in the sentence', () => {
    expect(checkMedia(file('big.png', 'image/png', 6 * MB), 'big.png')).toEqual({
      ok: false,
      reason: 'big.png is 6 MB; WhatsApp allows images up to 5 MB.',
    });
    expect(checkMedia(file('v.mp4', 'video/mp4', 20.3 * MB), 'v.mp4')).toMatchObject({
      reason: 'v.mp4 is 20 MB; WhatsApp allows videos up to 16 MB.',
    });
  });

  it('rejects types WhatsApp does not take, and empty files', () => {
    const heic = checkMedia(file('p.heic', 'image/heic', MB), 'p.heic');
    expect(heic.ok).toBe(false);
    expect(!heic.ok && heic.reason).toMatch(
      /^p\.heic: WhatsApp doesn't accept this type of file \(image\/heic\)\. WhatsApp accepts JPEG/,
    );
    expect(checkMedia(file('x.zip', '', 10), 'x.zip')).toMatchObject({ ok: false });
    expect(checkMedia(file('e.txt', 'text/plain', 0), 'e.txt')).toEqual({
      ok: false,
      reason: 'e.txt is empty.',
    });
  });

  it('falls back to the extension and resolves aliases', () => {
    expect(normalizedMimeType({ name: 'Report.DOCX', type: '' })).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(normalizedMimeType({ name: 'a.m4a', type: 'audio/x-m4a' })).toBe('audio/mp4');
    expect(normalizedMimeType({ name: 'a.jpg', type: 'image/jpg' })).toBe('image/jpeg');
  });
});
