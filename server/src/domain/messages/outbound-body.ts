import type { TemplateParameters } from '#contract/api/messages';
import {
  audioMessage,
  buttonsMessage,
  ctaUrlMessage,
  listMessage,
  documentMessage,
  imageMessage,
  locationMessage,
  reactionMessage,
  stickerMessage,
  templateMessage,
  textMessage,
  videoMessage,
  type OutboundMessageBody,
  type Recipient,
  type TemplateButtonParam,
  type TemplateHeaderParam,
  type TemplateParam,
} from '../../meta/outbound-messages';
import type { MessageContent } from './message-content';
import { placeholders } from './template-rules';

/** Everything the send worker knows about a queued message when it sends it. */
export type OutboundContext = {
  messageId: string;
  type: string;
  text: string | null;
  caption: string | null;
  content: MessageContent | null;
  /** The contact's identities: E.164 phone, WhatsApp id, business-scoped user id. */
  phoneE164: string | null;
  waId: string | null;
  bsuid: string | null;
  /** wamid of the message replied to (null when none or unknown). */
  replyToWamid: string | null;
  /** wamid of a reaction's target. */
  reactionTargetWamid: string | null;
  /** Media file name (documents). */
  mediaFileName: string | null;
  /** The stored template's components (for a NAMED header's parameter name). */
  templateComponents: unknown;
  templateParameterFormat: string | null;
};

/** Why a message cannot be turned into a send body (it then fails without reaching Meta). */
export type BodyProblem = { code: string; message: string };

/** Who to send to: the phone number, else the WhatsApp id, else the BSUID (digest §2.4). */
export function recipientOf(ctx: Pick<OutboundContext, 'phoneE164' | 'waId' | 'bsuid'>): Recipient | null {
  if (ctx.phoneE164) return ctx.phoneE164;
  if (ctx.waId) return `+${ctx.waId}`;
  if (ctx.bsuid) return { userId: ctx.bsuid };
  return null;
}

/** The text of a stored template component (HEADER, BODY), or null. */
const componentText = (components: unknown, type: string): string | null => {
  if (!Array.isArray(components)) return null;
  const c = components.find(
    (x): x is { type: string; text?: unknown } =>
      typeof x === 'object' && x !== null && String((x as { type?: unknown }).type).toUpperCase() === type,
  );
  return c && typeof c.text === 'string' ? c.text : null;
};

/**
 * Builds the Graph API body of a queued message (digest §4). `uploadedMediaId` is Meta's id of
 * the message's media (or a template's header media), uploaded beforehand. The message id goes
 * out as `biz_opaque_callback_data`, which Meta echoes in every status webhook: the only way to
 * reconcile a send whose response was lost.
 */
export function buildOutboundBody(
  ctx: OutboundContext,
  uploadedMediaId: string | null,
): { ok: true; body: OutboundMessageBody } | { ok: false; problem: BodyProblem } {
  const to = recipientOf(ctx);
  if (!to)
    return {
      ok: false,
      problem: { code: 'no_recipient', message: 'This contact has no WhatsApp number or id.' },
    };
  const opts = {
    bizOpaqueCallbackData: ctx.messageId,
    ...(ctx.replyToWamid && { replyTo: ctx.replyToWamid }),
  };
  const content = ctx.content ?? {};
  const needMedia = (): string | BodyProblem =>
    uploadedMediaId ?? { code: 'media_missing', message: 'The file of this message is no longer available.' };
  const ok = (body: OutboundMessageBody) => ({ ok: true as const, body });
  const bad = (problem: BodyProblem) => ({ ok: false as const, problem });
  switch (ctx.type) {
    case 'text':
      return ok(
        textMessage(to, { body: ctx.text ?? '', previewUrl: /https?:\/\//.test(ctx.text ?? '') }, opts),
      );
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      // Media by URL goes to Meta as `link` (Meta fetches it); anything else was uploaded.
      const link = content.media?.link;
      const id = link ?? needMedia();
      if (typeof id !== 'string') return bad(id);
      const ref = link ? { link } : { id };
      const caption = ctx.caption ? { caption: ctx.caption } : {};
      if (ctx.type === 'image') return ok(imageMessage(to, { ...ref, ...caption }, opts));
      if (ctx.type === 'video') return ok(videoMessage(to, { ...ref, ...caption }, opts));
      if (ctx.type === 'audio') return ok(audioMessage(to, ref, opts));
      if (ctx.type === 'sticker') return ok(stickerMessage(to, ref, opts));
      const filename = content.media?.fileName ?? ctx.mediaFileName;
      return ok(documentMessage(to, { ...ref, ...caption, ...(filename && { filename }) }, opts));
    }
    case 'interactive': {
      const m = content.interactiveMessage;
      if (!m) return bad({ code: 'invalid_message', message: 'The interactive message is missing.' });
      const frame = { body: m.body, ...(m.footer && { footer: m.footer }) };
      if (m.kind === 'buttons')
        return ok(
          buttonsMessage(
            to,
            { ...frame, buttons: m.buttons, ...(m.header && { header: { type: 'text', text: m.header } }) },
            opts,
          ),
        );
      if (m.kind === 'list')
        return ok(
          listMessage(
            to,
            { ...frame, button: m.button, sections: m.sections, ...(m.header && { headerText: m.header }) },
            opts,
          ),
        );
      return ok(
        ctaUrlMessage(
          to,
          { ...frame, displayText: m.displayText, url: m.url, ...(m.header && { headerText: m.header }) },
          opts,
        ),
      );
    }
    case 'location': {
      const l = content.location;
      if (!l) return bad({ code: 'invalid_message', message: 'The location is missing.' });
      return ok(
        locationMessage(
          to,
          {
            latitude: l.latitude,
            longitude: l.longitude,
            ...(l.name && { name: l.name }),
            ...(l.address && { address: l.address }),
          },
          opts,
        ),
      );
    }
    case 'reaction': {
      if (!ctx.reactionTargetWamid)
        return bad({
          code: 'reaction_target_unsent',
          message: 'The message you reacted to never reached WhatsApp, so the reaction cannot be sent.',
        });
      return ok(
        reactionMessage(
          to,
          { messageId: ctx.reactionTargetWamid, emoji: content.reaction?.emoji ?? '' },
          { bizOpaqueCallbackData: ctx.messageId },
        ),
      );
    }
    case 'template': {
      const t = content.template;
      if (!t) return bad({ code: 'invalid_message', message: 'The template is missing.' });
      const h = templateHeader(t.parameters, ctx, uploadedMediaId);
      if (h && 'problem' in h) return bad(h.problem);
      const header = h?.header;
      // Named values in the template's own order (jsonb does not keep key order; Meta accepts any).
      const order = placeholders(componentText(ctx.templateComponents, 'BODY') ?? '');
      const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
      const body: TemplateParam[] = Array.isArray(t.parameters.body)
        ? t.parameters.body.map((text) => ({ type: 'text', text }))
        : Object.entries(t.parameters.body ?? {})
            .sort(([a], [b]) => rank(a) - rank(b))
            .map(([name, text]) => ({ type: 'text', text, name }));
      const buttons: TemplateButtonParam[] = (t.parameters.buttons ?? []).map((b) =>
        b.type === 'quick_reply'
          ? { subType: 'quick_reply', index: b.index, payload: b.payload }
          : { subType: 'url', index: b.index, text: b.text },
      );
      return ok(
        templateMessage(
          to,
          {
            name: t.name,
            language: t.language,
            ...(header && { header: [header] }),
            ...(body.length > 0 && { body }),
            ...(buttons.length > 0 && { buttons }),
          },
          opts,
        ),
      );
    }
    default:
      return bad({ code: 'invalid_message', message: `Messages of type ${ctx.type} cannot be sent.` });
  }
}

function templateHeader(
  params: TemplateParameters,
  ctx: OutboundContext,
  uploadedMediaId: string | null,
): { header: TemplateHeaderParam } | { problem: BodyProblem } | null {
  const h = params.header;
  if (!h) return null;
  switch (h.type) {
    case 'text': {
      const name =
        ctx.templateParameterFormat === 'NAMED'
          ? placeholders(componentText(ctx.templateComponents, 'HEADER') ?? '')[0]
          : undefined;
      return { header: { type: 'text', text: h.text, ...(name && { name }) } };
    }
    case 'location':
      return {
        header: {
          type: 'location',
          location: {
            latitude: h.location.latitude,
            longitude: h.location.longitude,
            ...(h.location.name && { name: h.location.name }),
            ...(h.location.address && { address: h.location.address }),
          },
        },
      };
    case 'image':
    case 'video':
    case 'document': {
      if (!uploadedMediaId)
        return {
          problem: {
            code: 'media_missing',
            message: 'The header file of this template is no longer available.',
          },
        };
      if (h.type === 'image') return { header: { type: 'image', image: { id: uploadedMediaId } } };
      if (h.type === 'video') return { header: { type: 'video', video: { id: uploadedMediaId } } };
      const filename = h.fileName ?? ctx.mediaFileName;
      return {
        header: { type: 'document', document: { id: uploadedMediaId, ...(filename && { filename }) } },
      };
    }
  }
}
