import { z } from 'zod';
import { text } from '../domain/text';

// Reports (issue 13): managers and admins. Days are the organization's local days (its time
// zone); durations are seconds, inside business hours when the organization has them.

/** A local calendar date, `YYYY-MM-DD`. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Use a date such as 2026-03-01' })
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'Not a calendar date',
    },
  );

/** The longest range one report covers. */
export const MAX_REPORT_DAYS = 366;

/**
 * `GET /api/v1/reports/overview`: an inclusive range of local days; without `to`, today in the
 * organization's time zone; without `from`, the 30 days ending at `to`.
 */
export const ReportRangeQuery = z
  .object({ from: LocalDate.optional(), to: LocalDate.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: '"from" must not be after "to"',
    path: ['from'],
  })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_REPORT_DAYS, {
    message: `A report covers at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });
export type ReportRangeQuery = z.infer<typeof ReportRangeQuery>;

/** Median and 90th percentile of a set of durations (null when the set is empty). */
export const Durations = z.object({
  count: z.number().int(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});
export type Durations = z.infer<typeof Durations>;

/** What each table row and the totals count. */
const Counts = {
  /** Cycles opened in the range: new conversations and reopened ones. */
  opened: z.number().int(),
  resolved: z.number().int(),
  messagesIn: z.number().int(),
  messagesOut: z.number().int(),
  firstResponse: Durations,
  resolution: Durations,
};

export const ReportDay = z.object({
  date: z.string(),
  opened: z.number().int(),
  resolved: z.number().int(),
  messagesIn: z.number().int(),
  messagesOut: z.number().int(),
});
export type ReportDay = z.infer<typeof ReportDay>;

/** One row of the per-agent, per-team or per-number table. `id` null = no team. */
export const ReportRow = z.object({ id: z.uuid().nullable(), name: text(), ...Counts });
export type ReportRow = z.infer<typeof ReportRow>;

export const ReportOverview = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: text(),
  /** Whether durations count business hours only (the organization has business hours). */
  businessHours: z.boolean(),
  totals: z.object(Counts),
  byDay: z.array(ReportDay),
  /** Inbound messages per local weekday (1 = Monday … 7 = Sunday) and hour (0–23); zeros left out. */
  heatmap: z.array(z.object({ weekday: z.number().int(), hour: z.number().int(), count: z.number().int() })),
  byAgent: z.array(ReportRow),
  byTeam: z.array(ReportRow),
  byNumber: z.array(ReportRow),
});
export type ReportOverview = z.infer<typeof ReportOverview>;
