import { useEffect, useState } from 'react';
import type { Template } from '#contract/api/templates';
import { useParleyClient } from '../../api';

/** What {@link useTemplates} returns. */
export interface TemplatesState {
  /** Approved templates of the number; undefined while loading. */
  approved: Template[] | undefined;
  /** Templates of the number that cannot be sent (pending, rejected, paused…). */
  unavailableCount: number;
  error: string | null;
}

/** The synced templates of one WhatsApp number, re-read when the replica's templates change. */
export function useTemplates(whatsappAccountId: string, enabled: boolean): TemplatesState {
  const client = useParleyClient();
  const [state, setState] = useState<(TemplatesState & { key: string }) | null>(null);
  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    const read = async () => {
      const r = await client.call('templates:list', { whatsappAccountId });
      if (!live) return;
      if (!r.ok) {
        setState({ key: whatsappAccountId, approved: [], unavailableCount: 0, error: r.error.message });
        return;
      }
      const own = r.value.filter((t) => t.whatsappAccountId === whatsappAccountId);
      const approved = own.filter((t) => t.status === 'APPROVED');
      setState({
        key: whatsappAccountId,
        approved: approved.sort(
          (a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language),
        ),
        unavailableCount: own.length - approved.length,
        error: null,
      });
    };
    void read();
    const off = client.subscribe('replica:changed', (c) => {
      if (c.tables.includes('templates')) void read();
    });
    return () => {
      live = false;
      off();
    };
  }, [client, whatsappAccountId, enabled]);
  if (state?.key !== whatsappAccountId) return { approved: undefined, unavailableCount: 0, error: null };
  return state;
}
