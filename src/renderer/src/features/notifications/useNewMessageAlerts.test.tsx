import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  conversationId,
  inboxIds,
  installFakeInbox,
  makeInboxConversations,
} from '../../test-utils/inbox-fixtures';
import { createFakeParley, render, signedInSession, waitFor } from '../../test-utils/render';
import { resetNotificationPreferencesCache, saveNotificationPreferences } from './notification-preferences';
import { shouldAlert, useNewMessageAlerts } from './useNewMessageAlerts';

const shown: { title: string; body?: string; tag?: string }[] = [];
const instances: FakeNotification[] = [];

class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = vi.fn(async () => FakeNotification.permission);
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions = {}) {
    shown.push({ title, body: options.body, tag: options.tag });
    instances.push(this);
  }
  close() {}
}

function Alerts({ openId, onOpen }: { openId: string | null; onOpen(id: string): void }) {
  useNewMessageAlerts({ meId: inboxIds.me, openId, onOpen });
  return null;
}

beforeEach(() => {
  shown.length = 0;
  instances.length = 0;
  window.localStorage.clear();
  resetNotificationPreferencesCache();
  vi.stubGlobal('Notification', FakeNotification);
});
afterEach(() => vi.unstubAllGlobals());

function setup(openId: string | null = null, onOpen: (id: string) => void = vi.fn()) {
  const parley = createFakeParley({ session: signedInSession });
  const now = Date.now() + 60_000;
  // Row 0 mine, row 1 unassigned, row 2 someone else's; each with a fresh inbound message.
  const rows = makeInboxConversations(3, (i) => ({
    lastMessage: {
      id: `0190e000-0000-7000-8000-00000000ff0${i}`,
      type: 'text',
      direction: 'inbound',
      preview: `hello ${i}`,
      status: 'delivered',
      at: new Date(now).toISOString(),
    },
  }));
  const inbox = installFakeInbox(parley, rows);
  render(<Alerts openId={openId} onOpen={onOpen} />, { parley });
  return { parley, inbox };
}

describe('useNewMessageAlerts', () => {
  it('alerts for new customer messages in Mine and Unassigned, once each, not for others', async () => {
    const { parley } = setup();
    parley.emit('replica:changed', {
      tables: ['messages', 'conversations'],
      conversationIds: [conversationId(0), conversationId(1), conversationId(2)],
    });
    await waitFor(() => expect(shown).toHaveLength(2));
    expect(shown.map((n) => n.title).sort()).toEqual(['João Souza', 'Maria Souza']);
    expect(shown.find((n) => n.title === 'Maria Souza')).toMatchObject({
      body: 'hello 0',
      tag: conversationId(0),
    });
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [conversationId(0)] });
    await new Promise((r) => setTimeout(r, 30));
    expect(shown).toHaveLength(2);
  });

  it('clicking a notification brings the window forward and opens the conversation', async () => {
    vi.spyOn(window, 'focus').mockImplementation(() => {});
    const onOpen = vi.fn();
    const { parley } = setup(null, onOpen);
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [conversationId(0)] });
    await waitFor(() => expect(instances).toHaveLength(1));
    instances[0]!.onclick?.();
    expect(parley['app:setAttention']).toHaveBeenCalledWith({ focus: true });
    expect(onOpen).toHaveBeenCalledWith(conversationId(0));
  });

  it('follows the preferences, and never alerts for a bulk load', async () => {
    saveNotificationPreferences({ unassigned: false });
    const { parley } = setup();
    parley.emit('replica:changed', { tables: ['messages'] });
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [conversationId(1)] });
    await new Promise((r) => setTimeout(r, 30));
    expect(shown).toHaveLength(0);
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [conversationId(0)] });
    await waitFor(() => expect(shown).toHaveLength(1));
  });

  it('stays quiet when the permission is denied', async () => {
    FakeNotification.permission = 'denied';
    const { parley } = setup();
    parley.emit('replica:changed', { tables: ['messages'], conversationIds: [conversationId(0)] });
    await new Promise((r) => setTimeout(r, 30));
    expect(shown).toHaveLength(0);
    FakeNotification.permission = 'granted';
  });
});

describe('shouldAlert', () => {
  it('ignores outbound messages and messages older than the window', () => {
    const [c] = makeInboxConversations(1, () => ({ assigneeId: inboxIds.me }));
    const opts = { meId: inboxIds.me, mine: true, unassigned: true, since: 0 };
    expect(shouldAlert({ ...c!, lastMessage: { ...c!.lastMessage!, direction: 'inbound' } }, opts)).toBe(
      true,
    );
    expect(shouldAlert({ ...c!, lastMessage: { ...c!.lastMessage!, direction: 'outbound' } }, opts)).toBe(
      false,
    );
    expect(shouldAlert(c!, { ...opts, since: Date.now() + 1000 })).toBe(false);
  });
});
