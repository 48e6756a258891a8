import { vi, type Mock } from 'vitest';
import type {
  AppInfo,
  Channel,
  EventName,
  EventPayload,
  In,
  Out,
  ParleyApi,
  SessionState,
  Settings,
  SyncStatus,
} from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';

/** A signed-in session for tests. */
export const signedInSession: Extract<SessionState, { status: 'signed_in' }> = {
  status: 'signed_in',
  serverUrl: 'https://parley.example.com',
  tokenStorage: 'secure',
  user: {
    id: '0b9a4f8e-7c1d-4e7a-9c1b-2d3e4f5a6b7c',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'admin',
    organizationId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    organizationName: 'Acme Bakery',
  },
};

/** A signed-out session for tests. */
export const signedOutSession: SessionState = { status: 'signed_out', lastServerUrl: null };

/** Default app facts for tests. */
export const testAppInfo: AppInfo = {
  version: '0.1.0-test',
  platform: 'linux',
  defaultServerUrl: 'http://127.0.0.1:8787',
  secureStorageAvailable: true,
};

type Handlers = { [C in Channel]: Mock<(input: In<C>) => Promise<Result<Out<C>>>> };

/** A `ParleyApi` whose channels are Vitest mocks and whose events tests can emit. */
export type FakeParley = ParleyApi &
  Handlers & {
    /** Delivers an event to every subscriber, as the core would. */
    emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  };

/** Initial state of a fake. */
export interface FakeParleyOptions {
  session?: SessionState;
  settings?: Settings;
  appInfo?: AppInfo;
  syncStatus?: SyncStatus;
}

/**
 * Builds a fake `window.parley`. Every channel answers with a plausible success; override
 * one with `fake['session:signIn'].mockResolvedValue(err(...))` to test a failure.
 */
export function createFakeParley(options: FakeParleyOptions = {}): FakeParley {
  let session = options.session ?? signedOutSession;
  let settings: Settings = options.settings ?? { theme: 'light' };
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let attention = { notifications: true, badgeCount: 0 };

  const handlers: Handlers = {
    'app:info': vi.fn(async () => ok(options.appInfo ?? testAppInfo)),
    'app:setAttention': vi.fn(async (input) => {
      attention = {
        notifications: input.notifications ?? attention.notifications,
        badgeCount: input.badgeCount ?? attention.badgeCount,
      };
      return ok(attention);
    }),
    'app:takeInviteLink': vi.fn(async () => ok({ link: null })),
    'session:get': vi.fn(async () => ok(session)),
    'session:signIn': vi.fn(async (input) => {
      session = { ...signedInSession, serverUrl: String(input.serverUrl) };
      return ok(session);
    }),
    'session:signOut': vi.fn(async () => {
      session = {
        status: 'signed_out',
        lastServerUrl: session.status === 'signed_in' ? session.serverUrl : null,
      };
      return ok(session);
    }),
    'session:acceptInvite': vi.fn(async () => {
      session = signedInSession;
      return ok(session);
    }),
    'profile:update': vi.fn(async (input) => {
      if (session.status !== 'signed_in') throw new Error('fake: not signed in');
      session = { ...session, user: { ...session.user, name: input.name } };
      return ok(session.user);
    }),
    'profile:changePassword': vi.fn(async () => ok({ changed: true as const })),
    'settings:get': vi.fn(async () => ok(settings)),
    'settings:set': vi.fn(async (input) => {
      settings = { ...settings, ...input };
      return ok(settings);
    }),
    'sync:getStatus': vi.fn(async () =>
      ok(
        options.syncStatus ?? {
          state: 'online',
          offlineSince: null,
          progress: null,
          outboxSize: 0,
          lastError: null,
        },
      ),
    ),
    // Inbox channels answer with an empty replica until a test overrides them.
    'conversations:list': vi.fn(async () => ok({ items: [], nextCursor: null })),
    'conversations:counts': vi.fn(async (input) => {
      const zero = { total: 0, unread: 0, important: 0 };
      return ok({
        view: input.view ?? 'all',
        teamId: input.teamId ?? null,
        tabs: { open: zero, pending: zero, snoozed: zero, resolved: zero },
      });
    }),
    'conversation:get': vi.fn(async () => err({ code: 'not_found', message: 'Not on this device.' })),
    'messages:list': vi.fn(async () =>
      ok({ items: [], hasOlder: false, loadingOlder: false, historyError: null, nextBeforeConvSeq: null }),
    ),
    // Derived from whatever `messages:list` answers, so a test that scripts the thread through
    // it sees the same rows patched in as read.
    'messages:range': vi.fn(async (input) => {
      const page = await handlers['messages:list']({ conversationId: input.conversationId, limit: 200 });
      if (!page.ok) return page;
      const { fromConvSeq: from, toConvSeq: to } = input;
      const server = page.value.items.filter((m) => !m.pending && m.convSeq > 0);
      return ok({
        items:
          from === undefined || to === undefined
            ? []
            : server.filter((m) => m.convSeq >= from && m.convSeq <= to),
        pending: page.value.items.filter((m) => m.pending),
        pendingReaction: false,
      });
    }),
    'notes:list': vi.fn(async () => ok([])),
    'templates:list': vi.fn(async () => ok([])),
    'members:list': vi.fn(async () => ok([])),
    'teams:list': vi.fn(async () => ok([])),
    'labels:list': vi.fn(async () => ok([])),
    'organization:businessHours': vi.fn(async () => ok(null)),
    'cannedResponses:list': vi.fn(async () => ok([])),
    'messages:send': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:setStatus': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:assign': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:claim': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:setImportant': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:setLabels': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:markRead': vi.fn(async () => ok({ mutationId: 1 })),
    'conversation:markUnread': vi.fn(async () => ok({ mutationId: 1 })),
    'note:add': vi.fn(async () => ok({ mutationId: 1 })),
    'contact:update': vi.fn(async () => ok({ mutationId: 1 })),
    'outbox:list': vi.fn(async () => ok([])),
    'outbox:retry': vi.fn(async () => ok({ mutationId: 1 })),
    'outbox:discard': vi.fn(async () => ok({ discarded: true as const })),
    'drafts:get': vi.fn(async () => ok({ text: null })),
    'drafts:set': vi.fn(async () => ok({ saved: true as const })),
    'media:get': vi.fn(async () => err({ code: 'offline', message: 'Offline.' })),
    'media:stage': vi.fn(async () => ok({ mediaId: '0190a1b2-0000-7000-8000-000000000900' })),
    // As the core answers outside the desktop app (the page then falls back to the file's URL).
    'media:open': vi.fn(async () => err({ code: 'service_unavailable', message: 'Desktop app only.' })),
    'media:save': vi.fn(async () => err({ code: 'service_unavailable', message: 'Desktop app only.' })),
    'presence:set': vi.fn(async () => ok({ sent: false })),
    'sync:setBackfill': vi.fn(async (input) => ok({ paused: input.paused })),
    // The Settings area: an empty organization until a test scripts it.
    'admin:listMembers': vi.fn(async () => ok([])),
    'admin:inviteMember': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:updateMember': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:resetPassword': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:setNumberDefaultTeam': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:listIntakes': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:createIntake': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:rotateIntakeSecret': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteIntake': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:listTeams': vi.fn(async () => ok([])),
    'admin:createTeam': vi.fn(async (input) =>
      ok({
        id: '0190a1b2-0000-7000-8000-000000000a01',
        name: input.name,
        memberIds: input.memberIds ?? [],
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    ),
    'admin:renameTeam': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteTeam': vi.fn(async () => ok({ done: true as const })),
    'admin:setTeamMember': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:listNumbers': vi.fn(async () => ok([])),
    'admin:connectNumber': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:updateNumber': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:syncTemplates': vi.fn(async () => ok({ synced: 0, changed: 0, markedDeleted: 0 })),
    'admin:disconnectNumber': vi.fn(async () => ok({ done: true as const })),
    'admin:getOrganization': vi.fn(async () =>
      ok({
        id: signedInSession.user.organizationId,
        name: signedInSession.user.organizationName,
        agentsSeeAllTeamConversations: false,
        timeZone: 'UTC',
        businessHours: null,
        awayMessage: { enabled: false, text: null, gapMinutes: 720 },
        defaultWhatsappAccountId: null,
        monthlyMessageQuota: null,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    ),
    'admin:updateOrganization': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:getUsage': vi.fn(async () =>
      ok({ month: '2026-12', sent: 0, quota: null, resetsAt: '2027-01-01T00:00:00.000Z' }),
    ),
    'admin:listAuditEvents': vi.fn(async () => ok({ data: [], nextCursor: null })),
    'admin:listApiKeys': vi.fn(async () => ok([])),
    'admin:createApiKey': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:revokeApiKey': vi.fn(async () => ok({ done: true as const })),
    'admin:listWebhooks': vi.fn(async () => ok([])),
    'admin:createWebhook': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:updateWebhook': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteWebhook': vi.fn(async () => ok({ done: true as const })),
    'admin:rotateWebhookSecret': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:testWebhook': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:listWebhookDeliveries': vi.fn(async () => ok({ data: [], nextCursor: null })),
    'admin:retryWebhookDelivery': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:createLabel': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:updateLabel': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteLabel': vi.fn(async () => ok({ done: true as const })),
    'admin:createCannedResponse': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:updateCannedResponse': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteCannedResponse': vi.fn(async () => ok({ done: true as const })),
    'admin:uploadTemplateMedia': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:cancelTemplateMedia': vi.fn(async () => ok({ cancelled: true })),
    'admin:createTemplate': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:editTemplate': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'admin:deleteTemplate': vi.fn(async () => ok({ done: true as const })),
    'admin:reportOverview': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'availability:set': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'members:setCapacity': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'autoAssign:get': vi.fn(async () => ok({ teamIds: [], whatsappAccountIds: [] })),
    'autoAssign:set': vi.fn(async () => err({ code: 'internal', message: 'fake: script me' })),
    'workload:get': vi.fn(async () => ok({ members: [], queues: [] })),
  };

  return {
    ...handlers,
    on(event, cb) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const listener = cb as (payload: unknown) => void;
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      for (const cb of listeners.get(event) ?? []) cb(payload);
    },
  };
}
