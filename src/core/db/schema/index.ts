/** The replica schema: one file per aggregate, re-exported for drizzle and the core. */
export { meta } from './meta';
export { settings } from './settings';
export {
  conversations,
  messages,
  contacts,
  notes,
  reactions,
  templates,
  members,
  teams,
  whatsappAccounts,
  labels,
  cannedResponses,
  businessHours,
  inboxCounts,
} from './replica';
export { syncState, tombstones, historyFloor, deferredFields } from './sync';
export { outbox, pendingMessages, pendingPatches, drafts, mediaCache } from './outbox';
export { stagedMedia } from './media';
