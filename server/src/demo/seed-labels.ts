import type { Db } from '../storage/db';
import { cannedResponses, labels } from '../storage/schema/index';

// The demo organization's labels and canned responses, so `npm start` shows coloured label
// filters and a working "/" picker from the first minute. Idempotent: existing names and
// shortcuts are left alone (the unique indexes make a second insert a no-op).

const DEMO_LABELS = [
  { name: 'VIP', color: 'grape' },
  { name: 'Refund', color: 'orange' },
  { name: 'Wholesale', color: 'teal' },
] as const;

const DEMO_CANNED = [
  {
    shortcut: 'greet',
    title: 'Greeting',
    body: 'Hello {{contact.name}}, this is {{agent.name}} from {{organization.name}}. How can I help?',
  },
  { shortcut: 'hours', title: 'Opening hours', body: 'We are open Monday to Saturday, 8 am to 6 pm.' },
  { shortcut: 'thanks', title: 'Thank you', body: 'Thank you, {{contact.name}}! Have a lovely day.' },
] as const;

/** Seeds the demo labels and the organization's canned responses. */
export async function seedDemoLabels(db: Db, organizationId: string, now: Date): Promise<void> {
  await db
    .insert(labels)
    .values(DEMO_LABELS.map((l) => ({ organizationId, name: l.name, color: l.color, createdAt: now })))
    .onConflictDoNothing();
  await db
    .insert(cannedResponses)
    .values(DEMO_CANNED.map((c) => ({ organizationId, ownerId: null, ...c, createdAt: now, updatedAt: now })))
    .onConflictDoNothing();
}
