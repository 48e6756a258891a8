import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { err, ok } from '#contract/result';
import { createMediaActions, KNOWN_MIME_TYPES, safeFileName } from './media-actions';

vi.mock('electron', () => ({}));

const ID = '0190a4b2-0000-7000-8000-000000000001';
const root = mkdtempSync(join(tmpdir(), 'parley-media-root-'));
mkdirSync(join(root, 'r1'), { recursive: true });
const file = join(root, 'r1', ID);
writeFileSync(file, '%PDF-1.4');
const openDir = mkdtempSync(join(tmpdir(), 'parley-open-'));

const setup = (media: { path?: string; mimeType?: string; fileName?: string | null } = {}) => {
  const shell = { openPath: vi.fn(async (_p: string) => '') };
  const dialog = { showSaveDialog: vi.fn(async (..._a: unknown[]) => ({ canceled: true, filePath: '' })) };
  const actions = createMediaActions({
    getMedia: async ({ mediaId }) =>
      mediaId === ID
        ? ok({
            mediaId,
            path: media.path ?? file,
            url: `parley://media/${mediaId}`,
            mimeType: media.mimeType ?? 'application/pdf',
            size: 8,
            fileName: media.fileName === undefined ? 'invoice\u202Efdp.exe' : media.fileName,
          })
        : err({ code: 'not_found', message: 'No such file.' }),
    mediaRoot: root,
    openDir,
    shell,
    dialog: dialog as never,
    window: () => null,
  });
  return { actions, shell, dialog };
};

describe('media actions', () => {
  it('names files by their MIME type, never by the extension a customer chose', () => {
    expect(safeFileName('invoice\u202Efdp.exe', 'application/pdf', 'file')).toBe('invoicefdp.pdf');
    expect(safeFileName('../../etc/passwd', 'text/plain', 'file')).toBe('etcpasswd.txt');
    expect(safeFileName(null, 'image/jpeg', 'file')).toBe('file.jpg');
    expect(safeFileName('x.html', 'text/html', 'file')).toBeNull();
    for (const m of KNOWN_MIME_TYPES) expect(safeFileName('a', m, 'f'), m).not.toBeNull();
  });

  it('opens a copy with a safe name through the shell', async () => {
    const { actions, shell } = setup();
    expect(await actions['media:open']({ mediaId: ID })).toEqual(ok({ opened: true }));
    const opened = shell.openPath.mock.calls[0]![0];
    expect(opened).toBe(join(openDir, ID, 'invoicefdp.pdf'));
    expect(readFileSync(opened, 'utf8')).toBe('%PDF-1.4');
  });

  it('says why it could not open', async () => {
    const { actions, shell } = setup();
    shell.openPath.mockResolvedValueOnce('No application knows this file.');
    expect(await actions['media:open']({ mediaId: ID })).toMatchObject({
      ok: false,
      error: { message: /No application knows this file/ },
    });
    expect(await actions['media:open']({ mediaId: '0190a4b2-0000-7000-8000-000000000009' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('refuses files outside the media folder and types it cannot name', async () => {
    const outside = setup({ path: join(root, '..', 'elsewhere') });
    expect(await outside.actions['media:open']({ mediaId: ID })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const html = setup({ mimeType: 'text/html' });
    expect(await html.actions['media:save']({ mediaId: ID })).toMatchObject({
      ok: false,
      error: { code: 'unsupported_media_type' },
    });
    expect(outside.shell.openPath).not.toHaveBeenCalled();
  });

  it('saves where the person chooses, or nothing when the dialog is cancelled', async () => {
    const { actions, dialog } = setup();
    expect(await actions['media:save']({ mediaId: ID, fileName: 'Quote March.pdf' })).toEqual(
      ok({ saved: false }),
    );
    expect(dialog.showSaveDialog).toHaveBeenCalledWith({ defaultPath: 'Quote March.pdf' });
    const target = join(openDir, 'saved.pdf');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await actions['media:save']({ mediaId: ID })).toEqual(ok({ saved: true }));
    expect(existsSync(target)).toBe(true);
  });
});
