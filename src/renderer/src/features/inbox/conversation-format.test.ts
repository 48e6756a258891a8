import { describe, expect, it } from 'vitest';
import { makeInboxConversations } from '../../test-utils/inbox-fixtures';
import {
  contactLabel,
  formatDuration,
  initials,
  previewText,
  relativeTime,
  rowAccessibleName,
  splitMatches,
  windowSpokenLabel,
  windowState,
} from './conversation-format';

const NOW = new Date(2026, 2, 4, 15, 0, 0).getTime();
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('conversation-format', () => {
  it('names a conversation by contact name, then number, then WhatsApp id', () => {
    const [c] = makeInboxConversations(1);
    expect(contactLabel(c!)).toBe('Maria Souza');
    expect(contactLabel({ contact: { ...c!.contact, name: '  ' } })).toBe(c!.contact.phone);
    expect(contactLabel({ contact: { id: c!.id, name: null, phone: null, waId: '5511' } })).toBe('5511');
  });

  it('makes initials from names and the last digits of numbers', () => {
    expect(initials('Maria Souza')).toBe('MS');
    expect(initials('ada')).toBe('A');
    expect(initials('Élodie de la Tour')).toBe('ÉT');
    expect(initials('+55 11 91234-5678')).toBe('78');
  });

  it('previews the last message with its type and who sent it', () => {
    const [c] = makeInboxConversations(1);
    const msg = c!.lastMessage!;
    expect(
      previewText({ lastMessage: { ...msg, type: 'image', preview: 'Photo', direction: 'inbound' } }),
    ).toBe('Photo');
    expect(
      previewText({ lastMessage: { ...msg, type: 'image', preview: 'the cake', direction: 'inbound' } }),
    ).toBe('Photo: the cake');
    expect(
      previewText({
        lastMessage: { ...msg, type: 'image', preview: 'Photo: the cake', direction: 'inbound' },
      }),
    ).toBe('Photo: the cake');
    expect(previewText({ lastMessage: { ...msg, type: 'text', preview: 'Hi', direction: 'outbound' } })).toBe(
      'You: Hi',
    );
    // One label table with quotes and the reply preview (messageSummary): a system message is a notice.
    expect(
      previewText({
        lastMessage: {
          ...msg,
          type: 'system',
          preview: 'The customer deleted a message',
          direction: 'inbound',
        },
      }),
    ).toBe('Notice: The customer deleted a message');
    expect(previewText({ lastMessage: null })).toBe('No messages yet');
  });

  it('shows times relative to now, the time of day today, then days and dates', () => {
    expect(relativeTime(ago(10_000), NOW)).toBe('now');
    expect(relativeTime(ago(5 * 60_000), NOW)).toBe('5 min');
    expect(relativeTime(ago(3 * 3_600_000), NOW, 'en-GB')).toBe('12:00');
    expect(relativeTime(ago(20 * 3_600_000), NOW)).toBe('Yesterday');
    expect(relativeTime(ago(3 * 86_400_000), NOW, 'en-GB')).toBe('Sun');
    expect(relativeTime(ago(40 * 86_400_000), NOW, 'en-GB')).toBe('23 Jan');
    expect(relativeTime(null, NOW)).toBe('');
  });

  it('computes the 24-hour window locally: open, closing soon, closed', () => {
    const at = (h: number) => new Date(NOW + h * 3_600_000).toISOString();
    expect(windowState(at(14), NOW)).toEqual({ kind: 'open', msLeft: 14 * 3_600_000 });
    expect(windowState(at(0.7), NOW).kind).toBe('closing');
    expect(windowState(at(-1), NOW)).toEqual({ kind: 'closed' });
    expect(windowState(null, NOW)).toEqual({ kind: 'closed' });
    expect(windowSpokenLabel(windowState(at(0.7), NOW))).toBe('window closes in 42 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 5 min');
    expect(formatDuration(14 * 3_600_000)).toBe('14 h');
  });

  it('builds a row name that starts with the contact', () => {
    const [c] = makeInboxConversations(
      1,
      () => ({
        unreadCount: 2,
        important: true,
        labels: ['vip'],
        assigneeId: null,
        windowExpiresAt: ago(1000),
        lastMessage: {
          id: '0190e000-0000-7000-8000-000000000001',
          type: 'image',
          direction: 'inbound',
          preview: 'Photo',
          status: 'delivered',
          at: ago(5 * 60_000),
        },
        lastMessageAt: ago(5 * 60_000),
      }),
      NOW,
    );
    expect(rowAccessibleName(c!, { now: NOW, assigneeName: null, isMine: false })).toBe(
      'Maria Souza, 2 unread, important, Photo, 5 min, window closed, unassigned, labels vip',
    );
  });

  it('splits text around the search words, case-insensitively, for highlighting', () => {
    expect(splitMatches('Maria Souza', 'sou')).toEqual([
      { text: 'Maria ', match: false },
      { text: 'Sou', match: true },
      { text: 'za', match: false },
    ]);
    expect(splitMatches('a+b (c)', '(c')).toEqual([
      { text: 'a+b ', match: false },
      { text: '(c', match: true },
      { text: ')', match: false },
    ]);
    expect(splitMatches('text', '')).toEqual([{ text: 'text', match: false }]);
  });
});
