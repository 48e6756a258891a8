import { eq } from 'drizzle-orm';
import type { BusinessHours, BusinessHoursRow } from '#contract/api/organization';
import { isOpenAt, localClock } from '#contract/domain/business-hours';
import type { Db, Tx } from '../../storage/db';
import { organizationSettings } from '../../storage/schema/index';

// The organization's time zone, business hours and away message (issue 12), as stored in
// `organization_settings` (absent row = defaults: UTC, no hours, away message off), and the one
// in-memory rule "is this instant inside business hours" the away message uses. Reports measure
// business time in SQL (`report_business_seconds()`, migration `report_triggers`); the test of
// this file checks the two agree.

/** What `organization_settings` holds for hours and the away message. */
export type HoursSettings = {
  timeZone: string;
  businessHours: BusinessHours | null;
  awayMessage: { enabled: boolean; text: string | null; gapMinutes: number };
};

export const DEFAULT_HOURS: HoursSettings = {
  timeZone: 'UTC',
  businessHours: null,
  awayMessage: { enabled: false, text: null, gapMinutes: 720 },
};

/** The organization's hours settings (defaults when it never saved any). */
export async function readHoursSettings(exec: Db | Tx, organizationId: string): Promise<HoursSettings> {
  const [row] = await exec
    .select()
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  if (!row) return DEFAULT_HOURS;
  return {
    timeZone: row.timeZone,
    businessHours: (row.businessHours as BusinessHours | null) ?? null,
    awayMessage: {
      enabled: row.awayMessageEnabled,
      text: row.awayMessageText,
      gapMinutes: row.awayMessageGapMinutes,
    },
  };
}

/** The synced row of the hours settings (sync entity `business_hours`; no away text). */
export const businessHoursRow = (organizationId: string, h: HoursSettings): BusinessHoursRow => ({
  id: organizationId,
  timeZone: h.timeZone,
  businessHours: h.businessHours,
  awayMessage: { enabled: h.awayMessage.enabled, gapMinutes: h.awayMessage.gapMinutes },
});

/** Saves the hours settings given (the others keep their value). */
export async function writeHoursSettings(
  tx: Tx,
  organizationId: string,
  patch: Partial<HoursSettings>,
  now: Date,
): Promise<void> {
  const set = {
    ...(patch.timeZone !== undefined && { timeZone: patch.timeZone }),
    ...(patch.businessHours !== undefined && { businessHours: patch.businessHours }),
    ...(patch.awayMessage !== undefined && {
      awayMessageEnabled: patch.awayMessage.enabled,
      awayMessageText: patch.awayMessage.text,
      awayMessageGapMinutes: patch.awayMessage.gapMinutes,
    }),
    updatedAt: now,
  };
  await tx
    .insert(organizationSettings)
    .values({ organizationId, ...set })
    .onConflictDoUpdate({ target: organizationSettings.organizationId, set });
}

export { isOpenAt, localClock };
