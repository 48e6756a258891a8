import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dialog, Shell } from 'electron';
import { WHATSAPP_LIMITS } from '#contract/domain/messaging';
import type { IpcHandlers } from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import { isInside } from '../windows/media-protocol';

/**
 * `media:open` and `media:save`, answered by the main process (they need the desktop): the core
 * says where the file is (`media:get`), then the OS opens a copy of it or a save dialog writes
 * one. The file's extension always comes from its MIME type (one WhatsApp accepts), never from
 * the name a customer gave it, so "invoice.pdf.exe" opens as a PDF or not at all.
 */

/** Extensions of the MIME types WhatsApp accepts. */
const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** Every WhatsApp MIME type has an extension above (checked by the tests). */
export const KNOWN_MIME_TYPES: readonly string[] = Object.values(WHATSAPP_LIMITS.media).flatMap((m) => [
  ...m.mimeTypes,
]);

/**
 * A file name safe on every OS, with the extension of `mimeType`: path separators, control and
 * bidi characters and reserved characters dropped, the customer's extension replaced.
 */
export function safeFileName(
  name: string | null | undefined,
  mimeType: string,
  fallback: string,
): string | null {
  const ext = EXTENSION[mimeType.split(';')[0]!.trim().toLowerCase()];
  if (!ext) return null;
  const cleaned = [...(name ?? '')]
    .filter((ch) => {
      const c = ch.codePointAt(0)!;
      // Control characters, bidi controls, and characters some file systems reserve.
      const control = c < 0x20 || c === 0x7f || c === 0x200e || c === 0x200f;
      const bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      return !control && !bidi && !'<>:"/\\|?*'.includes(ch);
    })
    .join('')
    .trim()
    .replace(/^\.+/, '');
  const base =
    cleaned
      .replace(/\.[^.]*$/, '')
      .slice(0, 120)
      .trim() || fallback;
  return `${base}.${ext}`;
}

/** What the media actions need. */
export interface MediaActionDeps {
  /** The core's `media:get`. */
  getMedia: IpcHandlers['media:get'];
  /** Where the core keeps media (`userData/media`); paths outside it are refused. */
  mediaRoot: string;
  /** A folder for the copies that are opened (`<temp>/parley-open`). */
  openDir: string;
  shell: Pick<Shell, 'openPath'>;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  /** The window a save dialog belongs to. */
  window: () => Electron.BaseWindow | null;
}

/** The two handlers the main process registers in place of the core's. */
export function createMediaActions(deps: MediaActionDeps): Pick<IpcHandlers, 'media:open' | 'media:save'> {
  const locate = async (
    mediaId: string,
  ): Promise<Result<{ path: string; name: string; mimeType: string }>> => {
    const r = await deps.getMedia({ mediaId });
    if (!r.ok) return r;
    if (!isInside(deps.mediaRoot, r.value.path))
      return err({ code: 'forbidden', message: 'That file is not one of Parley’s.' });
    const name = safeFileName(r.value.fileName, r.value.mimeType, 'file');
    if (!name)
      return err({ code: 'unsupported_media_type', message: 'Parley does not open files of this type.' });
    return ok({ path: r.value.path, name, mimeType: r.value.mimeType });
  };
  return {
    async 'media:open'({ mediaId }) {
      const f = await locate(mediaId);
      if (!f.ok) return f;
      const dir = join(deps.openDir, mediaId);
      const copy = join(dir, f.value.name);
      try {
        await mkdir(dir, { recursive: true });
        await copyFile(f.value.path, copy);
      } catch (e) {
        return err({ code: 'internal', message: `The file could not be prepared: ${String(e)}` });
      }
      const problem = await deps.shell.openPath(copy);
      if (problem) return err({ code: 'unprocessable', message: `The file could not be opened: ${problem}` });
      return ok({ opened: true as const });
    },

    async 'media:save'({ mediaId, fileName }) {
      const f = await locate(mediaId);
      if (!f.ok) return f;
      const suggested = (fileName && safeFileName(fileName, f.value.mimeType, 'file')) || f.value.name;
      const win = deps.window();
      const choice = win
        ? await deps.dialog.showSaveDialog(win, { defaultPath: suggested })
        : await deps.dialog.showSaveDialog({ defaultPath: suggested });
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      try {
        await copyFile(f.value.path, choice.filePath);
      } catch (e) {
        return err({ code: 'internal', message: `The file could not be saved: ${String(e)}` });
      }
      return ok({ saved: true });
    },
  };
}
