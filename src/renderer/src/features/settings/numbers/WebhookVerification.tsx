import { Badge, Group, Loader, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { useParleyClient } from '../../../api';

/** How often the connect dialog asks whether Meta verified the webhook yet. */
export const VERIFICATION_POLL_MS = 2_000;

/**
 * Watches one number until Meta's GET verification handshake has succeeded (the server records
 * it per verify token): re-reads the numbers every {@link VERIFICATION_POLL_MS} while `active`,
 * and stops once verified. Returns the latest account seen.
 */
export function useVerifiedAccount(account: WhatsAppAccount | null, active: boolean): WhatsAppAccount | null {
  const client = useParleyClient();
  const [latest, setLatest] = useState(account);
  const [seenFor, setSeenFor] = useState(account);
  if (seenFor !== account) {
    setSeenFor(account);
    setLatest(account);
  }
  const id = account?.id;
  const verified = latest?.webhookVerifiedAt != null;
  useEffect(() => {
    if (!active || !id || verified) return;
    let live = true;
    const timer = setInterval(() => {
      void client.call('admin:listNumbers').then((r) => {
        const found = r.ok ? r.value.find((a) => a.id === id) : undefined;
        if (live && found) setLatest(found);
      });
    }, VERIFICATION_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, id, active, verified]);
  return latest;
}

/** "Waiting for Meta's verification…" with a spinner, or "Verified by Meta" with the time. */
export function VerificationStep({ account }: { account: WhatsAppAccount }) {
  const at = account.webhookVerifiedAt;
  return (
    <Group gap="xs" role="status" aria-live="polite">
      {at ? (
        <>
          <IconCircleCheck size={18} color="var(--mantine-color-green-7)" aria-hidden />
          <Text size="sm" fw={500}>
            Verified by Meta at {new Date(at).toLocaleTimeString()}
          </Text>
        </>
      ) : (
        <>
          <Loader size="xs" aria-hidden />
          <Text size="sm">
            Waiting for Meta’s verification… press “Verify and save” in the App Dashboard.
          </Text>
        </>
      )}
    </Group>
  );
}

/** The verification state on a number's card. */
export function VerificationBadge({ account }: { account: WhatsAppAccount }) {
  return account.webhookVerifiedAt ? (
    <Badge color="green" variant="dot">
      Webhook verified
    </Badge>
  ) : (
    <Badge color="yellow" variant="dot">
      Webhook not verified yet
    </Badge>
  );
}
