import { Button, Group, Modal, Text } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SendGuard } from '../../composer';
import { findCollision, newestConvSeq, type Collision, type PresenceMap } from './presence-state';

/** What the guard reads. */
export interface CollisionGuardInput {
  conversationId: string;
  meId: string;
  presence: PresenceMap;
  messages: readonly { convSeq: number; direction: string; authorId?: string | null }[];
  /** A member's name by id. */
  nameOf(userId: string): string;
}

/**
 * Guards the composer's Send against two people answering one customer at once: when someone
 * else typed here in the last seconds, or replied after this draft was started, Send asks once
 * per draft — "Ben is also replying — send anyway?" — **Send** sends, **Review** (or closing)
 * keeps the draft so the agent can read what landed; the next Send of that draft goes through.
 */
export function useCollisionGuard(i: CollisionGuardInput): { guard: SendGuard; dialog: ReactNode } {
  const latest = useRef(i);
  useEffect(() => {
    latest.current = i;
  });
  /** The newest convSeq when the current draft began; null without a draft. */
  const base = useRef<number | null>(null);
  const asked = useRef(false);
  const [pending, setPending] = useState<{ collision: Collision; resolve(send: boolean): void } | null>(null);
  useEffect(() => {
    base.current = null;
    asked.current = false;
  }, [i.conversationId]);

  const guard = useMemo<SendGuard>(
    () => ({
      onDraftChange(hasText) {
        if (!hasText) {
          base.current = null;
          asked.current = false;
        } else if (base.current === null) {
          base.current = newestConvSeq(latest.current.messages);
        }
      },
      confirmSend() {
        const cur = latest.current;
        const collision = asked.current
          ? null
          : findCollision({
              now: Date.now(),
              meId: cur.meId,
              presence: cur.presence,
              messages: cur.messages,
              draftBaseConvSeq: base.current,
            });
        if (!collision) return Promise.resolve(true);
        asked.current = true;
        return new Promise<boolean>((resolve) => setPending({ collision, resolve }));
      },
    }),
    [],
  );

  const answer = useCallback(
    (send: boolean) => {
      pending?.resolve(send);
      setPending(null);
    },
    [pending],
  );
  const name = pending ? i.nameOf(pending.collision.userId) : '';
  const dialog = (
    <Modal
      opened={pending !== null}
      onClose={() => answer(false)}
      title={`${name} is also replying — send anyway?`}
      centered
    >
      <Text size="sm">
        {pending?.collision.reason === 'replied'
          ? `${name} sent a reply in this conversation after you started writing.`
          : `${name} was typing in this conversation a moment ago.`}
      </Text>
      <Group justify="flex-end" gap="xs" mt="md">
        <Button variant="default" onClick={() => answer(false)}>
          Review
        </Button>
        <Button onClick={() => answer(true)} data-autofocus>
          Send
        </Button>
      </Group>
    </Modal>
  );
  return { guard, dialog };
}
