import { and, eq } from 'drizzle-orm';
import type { MediaByUrl } from '#contract/api/interactive';
import type { IntegratorMessage } from '#contract/api/messages';
import { WHATSAPP_LIMITS, type MediaType } from '#contract/domain/messaging';
import { fail, ok, type Result } from '#contract/result';
import { mediaProblem } from '../media/media-limits';
import type { MessageContent } from './message-content';
import { checkTemplate } from './template-rules';
import type { Db, Tx } from '../../storage/db';
import { media, messages, templates } from '../../storage/schema/index';

// The type-specific half of a send's checks (text, media, location, reaction, template): each
// body either yields the message's columns and its inbox preview, or the refusal that explains
// what is wrong with it. Reads only; queue-send.ts writes.

/** A media row. */
export type MediaRow = typeof media.$inferSelect;

/** Media by URL (`POST /messages` with `media`), as the send path carries it. */
export type UrlMediaInput = {
  type: MediaType;
  link: MediaByUrl;
  id?: undefined;
  replyToMessageId?: undefined;
};

/** What a send may carry: a message body (the conversation route's, or interactive) or media by URL. */
export type SendInput = IntegratorMessage | UrlMediaInput;

/** The media row a send by URL creates (pending until the copy job fetches it). */
export type LinkMedia = { url: string; type: MediaType; mimeType: string; fileName: string | null };

/** The columns of an outbound message, and what the conversation list shows for it. */
export type SendColumns = {
  text: string | null;
  caption: string | null;
  content: MessageContent | null;
  media: MediaRow | null;
  preview: string;
  /** The message a reaction lands on. */
  reactionTarget: { id: string } | null;
  /** Media by URL: the row to create for Parley's copy. */
  linkMedia: LinkMedia | null;
};

const MEDIA_LABEL = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
};
const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Checks `body` for its type and yields its columns: media exists in the organization, is ready
 * and within WhatsApp's limits for the type (captions and file names only where WhatsApp takes
 * them); a reaction targets a message of this conversation; a template exists for the number
 * and language, approved, with its parameters (and header media) right.
 */
export async function sendColumns(
  tx: Tx,
  organizationId: string,
  conversationId: string,
  accountId: string,
  body: SendInput,
): Promise<Result<SendColumns>> {
  let text: string | null = null;
  let caption: string | null = null;
  let content: MessageContent | null = null;
  let mediaRow: MediaRow | null = null;
  let preview: string;
  let reactionTarget: { id: string } | null = null;
  let linkMedia: LinkMedia | null = null;
  if ('link' in body) {
    const m = body.link;
    if (m.caption !== undefined && (m.type === 'audio' || m.type === 'sticker'))
      return fail('invalid_input', 'Audio messages and stickers cannot have a caption on WhatsApp.', {
        fields: [{ path: 'body.media.caption', message: `A ${m.type} cannot have a caption` }],
      });
    if (m.fileName !== undefined && m.type !== 'document')
      return fail('invalid_input', 'Only documents carry a file name.', {
        fields: [{ path: 'body.media.fileName', message: 'Only documents carry a file name' }],
      });
    const fileName = m.fileName ?? (m.type === 'document' ? fileNameOf(m.url) : null);
    linkMedia = { url: m.url, type: m.type, mimeType: guessMime(m.type, m.url), fileName };
    caption = m.caption ?? null;
    content = { media: { link: m.url, ...(m.fileName && { fileName: m.fileName }) } };
    const label = fileName ?? MEDIA_LABEL[m.type];
    return ok({
      text,
      caption,
      content,
      media: null,
      preview: clip(caption ? `${label}: ${caption}` : label),
      reactionTarget,
      linkMedia,
    });
  }
  switch (body.type) {
    case 'text':
      text = body.text;
      preview = clip(body.text);
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      if (body.caption !== undefined && (body.type === 'audio' || body.type === 'sticker'))
        return fail('invalid_input', 'Audio messages and stickers cannot have a caption on WhatsApp.', {
          fields: [{ path: 'body.caption', message: `A ${body.type} cannot have a caption` }],
        });
      if (body.fileName !== undefined && body.type !== 'document')
        return fail('invalid_input', 'Only documents carry a file name.', {
          fields: [{ path: 'body.fileName', message: 'Only documents carry a file name' }],
        });
      const checked = await usableMedia(tx, organizationId, body.mediaId, body.type, 'body.mediaId');
      if (!checked.ok) return checked;
      mediaRow = checked.value;
      caption = body.caption ?? null;
      if (body.fileName) content = { media: { fileName: body.fileName } };
      const label =
        body.fileName ?? (body.type === 'document' ? mediaRow.fileName : null) ?? MEDIA_LABEL[body.type];
      preview = clip(caption ? `${label}: ${caption}` : label);
      break;
    }
    case 'interactive':
      content = { interactiveMessage: body.interactive };
      text = body.interactive.body;
      preview = clip(body.interactive.body);
      break;
    case 'location':
      content = { location: body.location };
      preview = clip(body.location.name ? `Location: ${body.location.name}` : 'Location');
      break;
    case 'reaction': {
      const target = await messageInConversation(tx, organizationId, conversationId, body.messageId);
      if (!target || target.type === 'reaction')
        return fail('unprocessable', 'You can only react to a message of this conversation.', {
          fields: [{ path: 'body.messageId', message: 'Not a message of this conversation' }],
        });
      reactionTarget = target;
      content = { reaction: { messageId: body.messageId, emoji: body.emoji || null } };
      preview = body.emoji ? `Reacted ${body.emoji}` : 'Removed a reaction';
      break;
    }
    case 'template': {
      const [tpl] = await tx
        .select()
        .from(templates)
        .where(
          and(
            eq(templates.organizationId, organizationId),
            eq(templates.whatsappAccountId, accountId),
            eq(templates.name, body.templateName),
            eq(templates.language, body.language),
          ),
        );
      if (!tpl)
        return fail(
          'invalid_template',
          `There is no template “${body.templateName}” in ${body.language} for this number. Sync templates or choose another.`,
          {
            fields: [{ path: 'body.templateName', message: 'Unknown template for this number and language' }],
          },
        );
      const checked = checkTemplate(tpl, body.parameters);
      if (!checked.ok) return checked;
      const hm = checked.value.headerMedia;
      if (hm) {
        const m = await usableMedia(
          tx,
          organizationId,
          hm.mediaId,
          hm.type,
          'body.parameters.header.mediaId',
        );
        if (!m.ok)
          return m.error.code === 'not_found'
            ? m
            : { ok: false, error: { ...m.error, code: 'invalid_template' } };
        mediaRow = m.value;
      }
      const renderedBody = checked.value.renderedBody;
      content = {
        template: {
          name: body.templateName,
          language: body.language,
          parameters: body.parameters,
          renderedBody,
        },
      };
      text = renderedBody;
      preview = clip(renderedBody ?? body.templateName);
      break;
    }
  }

  return ok({ text, caption, content, media: mediaRow, preview, reactionTarget, linkMedia });
}

/** The last path segment of a URL, as a document's file name (null when there is none). */
function fileNameOf(url: string): string | null {
  const last = new URL(url).pathname.split('/').pop();
  if (!last) return null;
  try {
    return decodeURIComponent(last).slice(0, 240) || null;
  } catch {
    return last.slice(0, 240);
  }
}

/**
 * A first guess of the MIME type from the URL's extension, within WhatsApp's types for `type`
 * (the copy job records what the server actually sent).
 */
function guessMime(type: MediaType, url: string): string {
  const allowed: readonly string[] = WHATSAPP_LIMITS.media[type].mimeTypes;
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  const byExt: Record<string, string> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    mp4: 'video/mp4',
    '3gp': 'video/3gpp',
    mp3: 'audio/mpeg',
    ogg: 'audio/ogg',
    aac: 'audio/aac',
    amr: 'audio/amr',
    m4a: 'audio/mp4',
    pdf: 'application/pdf',
    txt: 'text/plain',
    webp: 'image/webp',
  };
  const guess = byExt[ext];
  return guess && allowed.includes(guess) ? guess : allowed[0]!;
}

/** A media row of the organization, or null. */
export const mediaById = async (tx: Db | Tx, organizationId: string, id: string): Promise<MediaRow | null> =>
  (
    await tx
      .select()
      .from(media)
      .where(and(eq(media.organizationId, organizationId), eq(media.id, id)))
  )[0] ?? null;

/** A media row of the organization that WhatsApp accepts as `type`. */
async function usableMedia(
  tx: Tx,
  organizationId: string,
  mediaId: string,
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker',
  path: string,
): Promise<Result<MediaRow>> {
  const row = await mediaById(tx, organizationId, mediaId);
  if (!row) return fail('not_found', 'Media not found', { fields: [{ path, message: 'Unknown media id' }] });
  if (row.state !== 'ready' || !row.storageKey)
    return fail(
      'unprocessable',
      'This file is not available (still downloading or failed); upload it again.',
      {
        fields: [{ path, message: 'Media not ready' }],
      },
    );
  const problem = mediaProblem(type, { mimeType: row.mimeType, size: row.size });
  if (problem)
    return fail('unprocessable', problem.message, { fields: [{ path, message: problem.message }] });
  return ok(row);
}

/** A message of this conversation (id and type), or undefined. */
export async function messageInConversation(
  tx: Tx,
  organizationId: string,
  conversationId: string,
  id: string,
): Promise<{ id: string; type: string } | undefined> {
  const [row] = await tx
    .select({ id: messages.id, type: messages.type })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.conversationId, conversationId),
        eq(messages.id, id),
      ),
    );
  return row;
}
