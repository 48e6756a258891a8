import { describe, expect, it } from 'vitest';
import {
  applyPresence,
  findCollision,
  newestConvSeq,
  presenceNow,
  RECENT_TYPING_MS,
  TYPING_STALE_MS,
  type PresenceMap,
} from './presence-state';

const C = '0190a1b2-0000-7000-8000-000000000001';
const ME = '0190a1b2-0000-7000-8000-0000000000a0';
const BEN = '0190a1b2-0000-7000-8000-0000000000b0';
const CY = '0190a1b2-0000-7000-8000-0000000000c0';
const empty: PresenceMap = new Map();

describe('presence', () => {
  it('tracks viewing and typing; typing implies viewing; leaving drops the member', () => {
    let m = applyPresence(empty, { conversationId: C, userId: BEN, viewing: true }, 0);
    expect(presenceNow(m, 0)).toEqual({ typing: [], viewing: [BEN] });
    m = applyPresence(m, { conversationId: C, userId: CY, typing: true }, 1_000);
    expect(presenceNow(m, 1_000)).toEqual({ typing: [CY], viewing: [BEN] });
    // A typing marker goes stale without a refresh.
    expect(presenceNow(m, 1_000 + TYPING_STALE_MS)).toEqual({ typing: [], viewing: [BEN, CY] });
    m = applyPresence(m, { conversationId: C, userId: CY, typing: false }, 2_000);
    expect(presenceNow(m, 2_000).typing).toEqual([]);
    m = applyPresence(m, { conversationId: C, userId: CY, viewing: false }, 3_000);
    m = applyPresence(m, { conversationId: C, userId: BEN, viewing: false }, 3_000);
    expect(m.size).toBe(0);
  });
});

describe('findCollision', () => {
  const base = { now: 50_000, meId: ME, presence: empty, messages: [], draftBaseConvSeq: 4 };

  it('is nothing when no one else typed or replied', () => {
    expect(findCollision(base)).toBeNull();
  });

  it('asks when someone else typed in the last seconds, not after', () => {
    const presence = applyPresence(empty, { conversationId: C, userId: BEN, typing: true }, 45_000);
    expect(findCollision({ ...base, presence })).toEqual({ userId: BEN, reason: 'typing' });
    expect(findCollision({ ...base, presence, now: 45_000 + RECENT_TYPING_MS })).toBeNull();
    // "Stopped typing" a moment ago still counts: they may be about to send.
    const stopped = applyPresence(presence, { conversationId: C, userId: BEN, typing: false }, 46_000);
    expect(findCollision({ ...base, presence: stopped })).toEqual({ userId: BEN, reason: 'typing' });
    // Gone from the conversation: no longer a collision.
    const left = applyPresence(stopped, { conversationId: C, userId: BEN, viewing: false }, 47_000);
    expect(findCollision({ ...base, presence: left })).toBeNull();
  });

  it('asks when another member replied after the draft began; not for older replies or my own', () => {
    const messages = [
      { convSeq: 3, direction: 'outbound', authorId: BEN },
      { convSeq: 5, direction: 'inbound', authorId: null },
      { convSeq: 6, direction: 'outbound', authorId: ME },
      { convSeq: 0, direction: 'outbound', authorId: ME },
    ];
    expect(findCollision({ ...base, messages })).toBeNull();
    const replied = [
      ...messages.slice(0, 3),
      { convSeq: 7, direction: 'outbound', authorId: CY },
      messages[3]!,
    ];
    expect(findCollision({ ...base, messages: replied })).toEqual({ userId: CY, reason: 'replied' });
    expect(findCollision({ ...base, messages: replied, draftBaseConvSeq: 7 })).toBeNull();
    expect(findCollision({ ...base, messages: replied, draftBaseConvSeq: null })).toBeNull();
    expect(newestConvSeq(replied)).toBe(7);
  });
});
