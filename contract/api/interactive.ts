import { z } from 'zod';
import { text } from '../domain/text';
import { MediaType, WHATSAPP_LIMITS } from '../domain/messaging';

// What an integrator may send beyond the conversation route's types (`POST /api/v1/messages`):
// interactive messages (reply buttons, a list, a call-to-action URL button) with Meta's limits
// checked here, before anything is queued, and media by an https URL.

/** Meta's limits of interactive messages (Cloud API "Interactive messages" guides). */
export const INTERACTIVE_LIMITS = {
  headerMaxChars: 60,
  footerMaxChars: 60,
  /** Reply buttons and call-to-action bodies; a list's body may hold 4,096. */
  bodyMaxChars: 1024,
  listBodyMaxChars: 4096,
  buttons: { min: 1, max: 3, titleMaxChars: 20, idMaxChars: 256 },
  list: {
    buttonMaxChars: 20,
    sectionsMax: 10,
    sectionTitleMaxChars: 24,
    rowsMax: 10,
    rowTitleMaxChars: 24,
    rowDescriptionMaxChars: 72,
    rowIdMaxChars: 200,
  },
  ctaDisplayTextMaxChars: 20,
} as const;

const L = INTERACTIVE_LIMITS;
/** Meta counts characters (code points), not UTF-16 units: "👍" is one. */
const chars = (s: string) => [...s].length;
const limited = (max: number, what: string) =>
  text()
    .min(1, { message: `Write the ${what}` })
    .refine((s) => chars(s) <= max, { message: `The ${what} is limited to ${max} characters on WhatsApp` });

const framing = {
  /** Bold text above the body. */
  header: limited(L.headerMaxChars, 'header').optional(),
  /** Small grey text under the body. */
  footer: limited(L.footerMaxChars, 'footer').optional(),
};

/** Reply buttons: the customer taps one; its `id` comes back in the reply. */
const ButtonsContent = z.object({
  kind: z.literal('buttons'),
  ...framing,
  body: limited(L.bodyMaxChars, 'message text'),
  buttons: z
    .array(
      z.object({
        id: limited(L.buttons.idMaxChars, 'button id'),
        title: limited(L.buttons.titleMaxChars, 'button title'),
      }),
    )
    .min(L.buttons.min, { message: 'Add at least one button' })
    .max(L.buttons.max, { message: `WhatsApp shows at most ${L.buttons.max} reply buttons` }),
});

/** A list behind a button: sections of rows; the customer picks one row. */
const ListContent = z.object({
  kind: z.literal('list'),
  ...framing,
  body: limited(L.listBodyMaxChars, 'message text'),
  /** The label of the button that opens the list. */
  button: limited(L.list.buttonMaxChars, 'list button label'),
  sections: z
    .array(
      z.object({
        /** Required when there is more than one section. */
        title: limited(L.list.sectionTitleMaxChars, 'section title').optional(),
        rows: z
          .array(
            z.object({
              id: limited(L.list.rowIdMaxChars, 'row id'),
              title: limited(L.list.rowTitleMaxChars, 'row title'),
              description: limited(L.list.rowDescriptionMaxChars, 'row description').optional(),
            }),
          )
          .min(1, { message: 'Each section needs at least one row' }),
      }),
    )
    .min(1, { message: 'Add at least one section' })
    .max(L.list.sectionsMax, { message: `A list has at most ${L.list.sectionsMax} sections` }),
});

/** One button that opens a web page, so the message need not show the raw link. */
const CtaUrlContent = z.object({
  kind: z.literal('cta_url'),
  ...framing,
  body: limited(L.bodyMaxChars, 'message text'),
  displayText: limited(L.ctaDisplayTextMaxChars, 'button label'),
  url: z.url({ protocol: /^https?$/, message: 'Enter an absolute http(s):// URL' }).max(2000),
});

/** An interactive message as stored and shown (no cross-field checks: what was sent is shown). */
export const InteractiveContent = z.discriminatedUnion('kind', [ButtonsContent, ListContent, CtaUrlContent]);
export type InteractiveContent = z.infer<typeof InteractiveContent>;

/** An interactive message to send: {@link InteractiveContent} with Meta's cross-field rules. */
export const InteractiveMessage = InteractiveContent.superRefine((m, ctx) => {
  const duplicate = (values: string[]) => values.find((v, i) => values.indexOf(v) !== i);
  if (m.kind === 'buttons') {
    const id = duplicate(m.buttons.map((b) => b.id));
    if (id !== undefined)
      ctx.addIssue({ code: 'custom', path: ['buttons'], message: `Two buttons share the id “${id}”` });
    const title = duplicate(m.buttons.map((b) => b.title));
    if (title !== undefined)
      ctx.addIssue({ code: 'custom', path: ['buttons'], message: `Two buttons share the title “${title}”` });
  }
  if (m.kind === 'list') {
    const rows = m.sections.flatMap((s) => s.rows);
    if (rows.length > L.list.rowsMax)
      ctx.addIssue({
        code: 'custom',
        path: ['sections'],
        message: `A list has at most ${L.list.rowsMax} rows in all its sections (this one has ${rows.length})`,
      });
    const id = duplicate(rows.map((r) => r.id));
    if (id !== undefined)
      ctx.addIssue({ code: 'custom', path: ['sections'], message: `Two rows share the id “${id}”` });
    if (m.sections.length > 1)
      m.sections.forEach((s, i) => {
        if (s.title === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['sections', i, 'title'],
            message: 'Each section needs a title when the list has several',
          });
      });
  }
});
export type InteractiveMessage = z.infer<typeof InteractiveMessage>;

/**
 * Media by URL: Meta fetches it from `url` (sent as `link`); Parley fetches and keeps its own
 * copy for the thread. The URL must be https and resolve to a public address.
 */
export const MediaByUrl = z.object({
  url: z.url({ protocol: /^https?$/, message: 'Enter an absolute https:// URL' }).max(2000),
  type: MediaType,
  /** Documents only: the file name the customer sees. */
  fileName: text().max(240).optional(),
  caption: text()
    .max(WHATSAPP_LIMITS.captionMaxChars, {
      message: `Captions are limited to ${WHATSAPP_LIMITS.captionMaxChars} characters`,
    })
    .optional(),
});
export type MediaByUrl = z.infer<typeof MediaByUrl>;
