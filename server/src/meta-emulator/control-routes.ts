import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CustomerAction, EmulatorControl, SendFault, StatusFaults } from './emulator';

const WebhookBody = z.object({
  phoneNumberId: z.string(),
  callbackUrl: z.url(),
  appSecret: z.string().min(1),
  verifyToken: z.string().optional(),
});
const CustomerMessageBody = z.object({
  phoneNumberId: z.string(),
  // The action is checked by the builders; an invalid one answers 400.
  action: z.looseObject({ type: z.string() }),
  decorations: z.looseObject({}).optional(),
});
const FaultsBody = z.object({
  send: z
    .looseObject({
      kind: z.enum(['drop_response', 'error', 'http_status']),
      count: z.number().int().min(1).max(10_000),
    })
    .optional(),
  statuses: z
    .object({
      duplicate: z.boolean().optional(),
      reorder: z.boolean().optional(),
      skipDelivered: z.boolean().optional(),
      extraDelayMs: z.number().int().min(0).max(600_000).optional(),
    })
    .optional(),
});

/**
 * HTTP face of the control API for the standalone emulator (demo mode, manual testing, e2e):
 * configure a callback, make a customer write, inject faults. Not part of Meta's surface, so
 * it lives under `/_emulator`.
 */
export function registerControlRoutes(app: FastifyInstance, control: EmulatorControl): void {
  app.get('/_emulator/state', async () => ({
    wabas: [...control.state.wabas.values()].map((w) => ({
      id: w.id,
      name: w.name,
      phoneNumberIds: w.phoneNumberIds,
      templates: w.templates.length,
    })),
    phoneNumbers: [...control.state.phoneNumbers.values()].map((p) => ({
      id: p.id,
      displayPhoneNumber: p.displayPhoneNumber,
      mpsLimit: p.mpsLimit,
      webhook: p.webhook ? { callbackUrl: p.webhook.callbackUrl } : null,
    })),
    customers: [...control.state.customers.values()].map((c) => ({
      phone: c.phone,
      waId: c.waId,
      userId: c.userId,
      name: c.name,
    })),
    outbound: control.state.outbound.size,
    pendingWebhooks: control.deliveries().filter((d) => d.state === 'pending').length,
  }));

  app.post('/_emulator/webhook', async (req, reply) => {
    const b = WebhookBody.safeParse(req.body);
    if (!b.success || !control.state.phoneNumbers.has(b.data.phoneNumberId))
      return reply.code(400).send({ error: 'invalid body or phone number' });
    control.configureWebhook(b.data.phoneNumberId, b.data);
    return { verified: await control.verifyWebhook(b.data.phoneNumberId) };
  });

  app.post<{ Params: { phone: string } }>('/_emulator/customers/:phone/messages', async (req, reply) => {
    const b = CustomerMessageBody.safeParse(req.body);
    if (!b.success) return reply.code(400).send({ error: 'invalid body' });
    try {
      const { wamid, delivery } = control.customerSends(
        b.data.phoneNumberId,
        req.params.phone,
        b.data.action as CustomerAction,
        b.data.decorations,
      );
      void delivery;
      return { wamid };
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
  });

  app.post('/_emulator/faults', async (req, reply) => {
    const b = FaultsBody.safeParse(req.body);
    if (!b.success) return reply.code(400).send({ error: 'invalid body' });
    if (b.data.send) control.injectSendFault(b.data.send as SendFault);
    if (b.data.statuses) control.setStatusFaults(b.data.statuses as StatusFaults);
    return { ok: true };
  });
}
