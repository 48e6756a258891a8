import { z } from 'zod';
import { text } from '../domain/text';

/** An organization's name, as at signup. */
export const OrganizationName = text().trim().min(1, { message: 'Enter an organization name' }).max(120);

/** An IANA time zone name this runtime knows (`Europe/Lisbon`, `UTC`). */
export const TimeZone = text()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'Choose a time zone such as Europe/Lisbon or UTC' },
  );

/** A time of day, `HH:MM` on a 24-hour clock; `24:00` only as the end of a day. */
const TimeOfDay = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'Use HH:MM, e.g. 09:00' });

/** One opening interval of a day; `to` after `from`. */
export const OpeningInterval = z
  .object({ from: TimeOfDay, to: TimeOfDay })
  .strict()
  .refine((i) => i.from !== '24:00' && i.to > i.from, {
    message: 'The closing time must be after the opening time',
    path: ['to'],
  });
export type OpeningInterval = z.infer<typeof OpeningInterval>;

/**
 * Business hours: seven days, Monday first (ISO weekdays 1–7), each a list of opening intervals
 * in the organization's time zone that do not overlap ([] = closed all day). Null = no business
 * hours: always open (reports count every second; no away message).
 */
export const BusinessHours = z
  .array(
    z
      .array(OpeningInterval)
      .max(4)
      .refine(
        (day) =>
          [...day]
            .sort((a, b) => (a.from < b.from ? -1 : 1))
            .every((iv, i, all) => i === 0 || all[i - 1]!.to <= iv.from),
        { message: 'Opening intervals of a day must not overlap' },
      ),
  )
  .length(7);
export type BusinessHours = z.infer<typeof BusinessHours>;

/** The away message text (WhatsApp's text limit). */
export const AwayMessageText = text().trim().min(1, { message: 'Write the away message' }).max(4096);

/** `GET/PATCH /api/v1/organization`: the caller's organization and its settings (admin). */
export const Organization = z.object({
  id: z.uuid(),
  name: text(),
  /**
   * Whether agents see every conversation of their teams, not only their own and their teams'
   * unassigned ones (sync-protocol decision 4). Managers and admins see everything either way.
   */
  agentsSeeAllTeamConversations: z.boolean(),
  /** The organization's time zone (business hours, report days and the heatmap). */
  timeZone: text(),
  businessHours: BusinessHours.nullable(),
  /**
   * The away message: sent automatically, as the organization, when a customer writes outside
   * business hours, inside the 24-hour window, at most once per `gapMinutes` per conversation.
   */
  awayMessage: z.object({ enabled: z.boolean(), text: text().nullable(), gapMinutes: z.number().int() }),
  /**
   * The number `POST /api/v1/messages` sends from when the caller names none (issue 10); null =
   * the only connected number when there is exactly one.
   */
  defaultWhatsappAccountId: z.uuid().nullable(),
  /**
   * The organization's own monthly quota of outbound messages; null = the server's default
   * (`MONTHLY_MESSAGE_QUOTA`, unset = unlimited).
   */
  monthlyMessageQuota: z.number().int().nullable(),
  createdAt: text(),
});
export type Organization = z.infer<typeof Organization>;

/**
 * The organization's business hours as synced to every member's replica (sync entity
 * `business_hours`, one row whose id is the organization's): what the app needs to show
 * "outside business hours" and whether the away message answers, offline too. Nothing admin-only
 * (no away text, quota or default number).
 */
export const BusinessHoursRow = z.object({
  /** The organization's id. */
  id: z.uuid(),
  timeZone: text(),
  /** Null = no business hours: always open. */
  businessHours: BusinessHours.nullable(),
  /** Whether the away message is on, and its gap. */
  awayMessage: z.object({ enabled: z.boolean(), gapMinutes: z.number().int() }),
});
export type BusinessHoursRow = z.infer<typeof BusinessHoursRow>;

/** `PATCH /api/v1/organization`: rename and/or change the team visibility policy. */
export const UpdateOrganizationBody = z
  .object({
    name: OrganizationName.optional(),
    agentsSeeAllTeamConversations: z.boolean().optional(),
    timeZone: TimeZone.optional(),
    businessHours: BusinessHours.nullable().optional(),
    awayMessage: z
      .object({
        enabled: z.boolean(),
        text: AwayMessageText.nullable(),
        /** Never twice to one conversation within this many minutes (1 minute to 7 days). */
        gapMinutes: z.number().int().min(1).max(10080),
      })
      .strict()
      .refine((a) => !a.enabled || a.text !== null, {
        message: 'Write the away message before turning it on',
        path: ['text'],
      })
      .optional(),
    defaultWhatsappAccountId: z
      .uuid({ message: 'Choose one of the organization’s numbers' })
      .nullable()
      .optional(),
    monthlyMessageQuota: z
      .number()
      .int({ message: 'Enter a whole number of messages' })
      .min(1, { message: 'The quota is at least 1 message; clear it for the default' })
      .max(1_000_000_000)
      .nullable()
      .optional(),
  })
  .strict();
export type UpdateOrganizationBody = z.infer<typeof UpdateOrganizationBody>;

/** `GET /api/v1/organization/usage`: outbound messages this month against the quota (admin). */
export const MessageUsage = z.object({
  /** `YYYY-MM`, UTC. */
  month: text(),
  /** Outbound messages accepted this month. */
  sent: z.number().int().nonnegative(),
  /** The quota in force (the organization's, else the server's default); null = unlimited. */
  quota: z.number().int().nullable(),
  /** When the count starts again: the first of next month, 00:00 UTC (ISO 8601). */
  resetsAt: text(),
});
export type MessageUsage = z.infer<typeof MessageUsage>;
