import { z } from 'zod';

/** `GET /healthz`: answered only when the process and its database respond. */
export const HealthResponse = z.object({ status: z.literal('ok') });
export type HealthResponse = z.infer<typeof HealthResponse>;
