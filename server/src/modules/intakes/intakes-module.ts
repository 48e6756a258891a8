import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock';
import type { AuditRecorder } from '../../domain/audit/audit-log';
import { createIntakeService } from '../../domain/intakes/intake-service';
import { createLeadService } from '../../domain/intakes/lead-service';
import { createSecretBox } from '../../domain/whatsapp/secret-box';
import { intakeRoutes } from '../../http/intakes/routes';
import { leadRoutes } from '../../http/intakes/lead-routes';
import type { Db } from '../../storage/db';
import type { JobQueue } from '../../storage/job-queue';
import type { MonthlyQuota } from '../../domain/messages/message-quota';

/** What the lead-intake module needs. */
export type IntakesDeps = {
  db: Db;
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  quota?: MonthlyQuota | undefined;
  audit: AuditRecorder;
  secretKey: string;
  publicUrl: string;
  /** Wakes the send worker after a lead's template was queued. */
  onQueued: () => void;
};

/** Lead intakes (issue 10): the admins' intake routes and the leads route. */
export function createIntakesModule(deps: IntakesDeps) {
  const box = createSecretBox(deps.secretKey);
  const intakes = createIntakeService({ ...deps, box });
  const leads = createLeadService({ ...deps, box });
  return {
    services: { intakes, leads },
    /** Registers `/intakes` on `api` (the /api/v1 scope). */
    registerApi: async (api: FastifyInstance) => {
      await api.register(intakeRoutes, { prefix: '/intakes', intakes });
      await api.register(leadRoutes, { prefix: '/intakes', leads });
    },
  };
}
