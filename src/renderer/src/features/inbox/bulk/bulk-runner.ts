import type { InboxConversation, OutboxItem, Queued } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { errorSentence } from '../../../components/format';
import { actionLabel, writeFor, type BulkAction, type BulkWrite } from './bulk-actions';

/** One conversation of a bulk run. */
export interface BulkItem {
  conversationId: string;
  /** The contact's name, for the failure list. */
  name: string;
  /**
   * `writing`: its write is being queued; `pending`: queued or sent, not confirmed yet;
   * `done`: confirmed by the server, or nothing to change; `failed`: refused (locally or by the
   * server), with the reason.
   */
  state: 'writing' | 'pending' | 'done' | 'failed';
  mutationId: number | null;
  error: string | null;
}

/** What the progress notice shows. */
export interface BulkProgress {
  /** The action in words ("Resolve", "Assign to Ana"). */
  label: string;
  total: number;
  done: number;
  /** Queued or sent, waiting for the server (offline: all of them). */
  pending: number;
  failed: readonly BulkItem[];
  /** Every item is done or failed. */
  finished: boolean;
}

/** What a run needs from the app: queue one write, read the outbox. */
export interface BulkDeps {
  write(w: BulkWrite): Promise<Result<Queued>>;
  listOutbox(): Promise<Result<OutboxItem[]>>;
}

/** A target: the row as the list shows it (labels are computed from it) and its name. */
export interface BulkTarget {
  conversation: InboxConversation;
  name: string;
}

/**
 * Applies one action to many conversations as ONE outbox mutation per conversation (each is
 * optimistic at once and survives offline like any single write), then follows their fate
 * through `outbox:list`: a mutation that left the outbox was confirmed; one the tray shows as
 * `failed` was refused, and lands in the failure list with the server's sentence. `refresh()`
 * is called by the host whenever the outbox may have changed (`replica:changed`, `sync:status`).
 */
export function createBulkRun(
  action: BulkAction,
  targets: readonly BulkTarget[],
  deps: BulkDeps,
  onChange: (p: BulkProgress) => void,
) {
  const items: BulkItem[] = targets.map((t) => ({
    conversationId: t.conversation.id,
    name: t.name,
    state: 'writing',
    mutationId: null,
    error: null,
  }));
  const label = actionLabel(action);
  let queuing = true;

  const progress = (): BulkProgress => {
    const failed = items.filter((i) => i.state === 'failed');
    const done = items.filter((i) => i.state === 'done').length;
    return {
      label,
      total: items.length,
      done,
      pending: items.length - done - failed.length,
      failed,
      finished: !queuing && done + failed.length === items.length,
    };
  };
  const emit = () => onChange(progress());

  /** Reads the outbox and settles the items whose mutation was confirmed or refused. */
  const refresh = async (): Promise<void> => {
    if (!items.some((i) => i.state === 'pending')) return;
    const r = await deps.listOutbox();
    if (!r.ok) return; // Read again on the next change; nothing is lost.
    const byId = new Map(r.value.map((o) => [o.mutationId, o]));
    let changed = false;
    for (const item of items) {
      if (item.state !== 'pending' || item.mutationId === null) continue;
      const o = byId.get(item.mutationId);
      // Gone from the outbox: confirmed (a discard from the tray also removes it; the person
      // chose that, so it is no longer ours to report). `syncing`: the server accepted it.
      if (!o || o.state === 'syncing') {
        item.state = 'done';
        changed = true;
      } else if (o.state === 'failed') {
        item.state = 'failed';
        item.error = o.error ? errorSentence(o.error.message) : 'The server refused this change.';
        changed = true;
      }
    }
    if (changed) emit();
  };

  /** Queues the writes one by one (each a durable local transaction), then reads their fate. */
  const start = async (): Promise<void> => {
    emit();
    for (const [i, t] of targets.entries()) {
      const item = items[i]!;
      const w = writeFor(action, t.conversation);
      if (!w) {
        item.state = 'done';
      } else {
        const r = await deps.write(w);
        if (r.ok) {
          item.state = 'pending';
          item.mutationId = r.value.mutationId;
        } else {
          item.state = 'failed';
          item.error = errorSentence(r.error.message);
        }
      }
      emit();
    }
    queuing = false;
    emit();
    await refresh();
  };

  return { start, refresh, progress };
}

/** A bulk run. */
export type BulkRun = ReturnType<typeof createBulkRun>;

/** The notice's sentence: "Updating 12 conversations… 7 done", then the outcome. */
export function progressSentence(p: BulkProgress): string {
  const n = p.total === 1 ? '1 conversation' : `${p.total} conversations`;
  if (!p.finished) {
    const failed = p.failed.length > 0 ? `, ${p.failed.length} refused` : '';
    return `Updating ${n}… ${p.done} done${failed}`;
  }
  if (p.failed.length === 0) return `Updated ${n}`;
  return `Updated ${p.total - p.failed.length} of ${n}; ${p.failed.length} refused`;
}
