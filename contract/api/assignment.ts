import { z } from 'zod';

/** Where auto-assignment is on: the ids of teams and WhatsApp numbers (off = not listed). */
export const AutoAssignSettings = z.object({
  teamIds: z.array(z.uuid()),
  whatsappAccountIds: z.array(z.uuid()),
});
export type AutoAssignSettings = z.infer<typeof AutoAssignSettings>;

/** `PUT /api/v1/auto-assignment/{kind}/{id}` path: a team or a number of the organization. */
export const AutoAssignTargetParams = z.object({
  kind: z.enum(['team', 'number']),
  id: z.uuid(),
});
export type AutoAssignTargetParams = z.infer<typeof AutoAssignTargetParams>;

/** `PUT /api/v1/auto-assignment/{kind}/{id}` body. */
export const SetAutoAssignBody = z.object({ enabled: z.boolean() }).strict();
export type SetAutoAssignBody = z.infer<typeof SetAutoAssignBody>;
