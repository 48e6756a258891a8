import type { Note } from '#contract/api/notes';
import type { OutboxItem, Queued } from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import { mutationArgs, type MutationName } from '#contract/sync/protocol';
import { durable, type OutboxRow } from '../outbox/outbox-store';
import { uuidv7 } from '../uuid';
import { cannedOverlayFields } from './canned-commands';
import type { CommandDeps } from './commands';
import type { Overlays } from './overlays';

/**
 * The outbox tray (design/sync-protocol.md §2.7 "Errors"): every unconfirmed or failed mutation
 * as the UI lists it, retry (a NEW mutation; a message gets a new id) and discard (failed items,
 * and mutations never sent). Both write with synchronous=FULL like every outbox write.
 */

/** A one-line description of a mutation for the tray. */
function describe(name: MutationName, args: Record<string, unknown>, text: string | null): string {
  switch (name) {
    case 'message.send':
      return text ? `Message: ${text.slice(0, 80)}` : `Message (${String(args.type)})`;
    case 'note.add':
      return `Note: ${String(args.body).slice(0, 80)}`;
    case 'conversation.setStatus':
      return `Status → ${String(args.status)}`;
    case 'conversation.assign':
      return args.assigneeId ? 'Assign' : 'Unassign';
    case 'conversation.claim':
      return 'Claim';
    case 'conversation.setImportant':
      return args.important ? 'Star' : 'Unstar';
    case 'conversation.setLabels':
      return `Labels: ${(args.labels as string[]).join(', ') || 'none'}`;
    case 'conversation.markRead':
      return 'Mark read';
    case 'conversation.markUnread':
      return 'Mark unread';
    case 'contact.update':
      return 'Contact edit';
    case 'canned.create':
      return `Canned response: /${String(args.shortcut)}`;
    case 'canned.update':
      return 'Canned response edit';
    case 'canned.delete':
      return 'Canned response deleted';
  }
}

/**
 * Refusals that sending the same write again cannot fix: the tray offers no Retry for them
 * (a closed reply window needs a template; an opted-out contact, a role that may not, a
 * target gone or args refused as invalid stay that way). Unknown codes stay retryable, and so
 * does `forbidden_scope`: a conversation reassigned away can be handed back, and Retry is then
 * how the agent sends what they wrote (the sync simulation replays exactly that).
 */
export const NOT_RETRYABLE: ReadonlySet<string> = new Set([
  'window_closed',
  'opted_out',
  'forbidden',
  'not_found',
  'invalid',
  'unsupported',
  'payload_too_large',
  'unsupported_media_type',
]);

/** What the tray needs besides the command deps. */
export interface TrayLinks {
  overlays: Overlays;
  /** Announces a committed write (tables and conversation it touched). */
  done(tables: string[], conversationId: string | null): void;
}

/** Builds the tray over an open replica. */
export function createOutboxTray(deps: CommandDeps, links: TrayLinks) {
  const { db, outbox } = deps;
  const { overlays, done } = links;
  const pendingByMutation = db.prepare(
    'SELECT row, state, error FROM pending_messages WHERE mutation_id = ?',
  );

  /** The patch fields a (conversation or contact) mutation writes, rebuilt from its args. */
  const patchFieldsOf = (row: OutboxRow): Record<string, unknown> => {
    const a = row.args as Record<string, unknown>;
    switch (row.name) {
      case 'conversation.setStatus':
        return { status: a.status, snoozedUntil: a.snoozedUntil ?? null };
      case 'conversation.assign':
        return a.teamId !== undefined
          ? { assigneeId: a.assigneeId, teamId: a.teamId }
          : { assigneeId: a.assigneeId };
      case 'conversation.claim':
        return { assigneeId: deps.user().id };
      case 'conversation.setImportant':
        return { important: a.important };
      case 'conversation.setLabels':
        return { labels: a.labels };
      case 'conversation.markRead':
        return { readUpToConvSeq: a.readUpToConvSeq };
      case 'conversation.markUnread':
        return { unreadCount: 1 };
      case 'contact.update':
        return Object.fromEntries(Object.entries(a.patch as object).filter(([, v]) => v !== undefined));
      case 'canned.create':
      case 'canned.update':
      case 'canned.delete':
        return cannedOverlayFields(row.name, a, deps.user().id, row.createdAt);
      default:
        return {};
    }
  };
  const patchTarget = (row: OutboxRow): string =>
    row.name === 'contact.update'
      ? String((row.args as { contactId: string }).contactId)
      : row.name.startsWith('canned.')
        ? String((row.args as { id: string }).id)
        : String((row.args as { conversationId: string }).conversationId);
  /** What a retry or discard of the row touches (a canned write also changes the canned list). */
  const tablesOf = (row: OutboxRow): string[] => [
    'outbox',
    'pending_messages',
    'pending_patches',
    ...(row.name.startsWith('canned.') ? ['canned_responses'] : []),
  ];
  const patchEntity = (row: OutboxRow): 'conversation' | 'contact' | 'canned_response' =>
    row.name === 'contact.update'
      ? 'contact'
      : row.name.startsWith('canned.')
        ? 'canned_response'
        : 'conversation';

  /** Maps an outbox row to the tray item. */
  const toItem = (r: OutboxRow, sending: boolean): OutboxItem => {
    const pending = pendingByMutation.get(r.mutationId) as
      { row: string; state: string; error: string | null } | undefined;
    const content = pending
      ? (JSON.parse(pending.row) as { text?: string | null; body?: string; caption?: string | null })
      : null;
    const text = content ? (content.text ?? content.body ?? content.caption ?? null) : null;
    // A queued message whose conversation was reassigned away shows as failed at once; the
    // server's answer (applied or refused) settles it later.
    const reassigned = r.status === 'pending' && pending?.state === 'failed';
    const state: OutboxItem['state'] =
      r.status === 'rejected' || reassigned
        ? 'failed'
        : r.status === 'applied'
          ? 'syncing'
          : sending
            ? 'sending'
            : 'queued';
    const error =
      r.error ?? (reassigned && pending?.error ? (JSON.parse(pending.error) as OutboxItem['error']) : null);
    return {
      mutationId: r.mutationId,
      name: r.name,
      state,
      conversationId: r.conversationId,
      summary: describe(r.name, r.args as Record<string, unknown>, text),
      text,
      error,
      createdAt: r.createdAt,
      canRetry: r.status === 'rejected' && !NOT_RETRYABLE.has(error?.code ?? ''),
      canDiscard: r.status === 'rejected' || (r.status === 'pending' && r.attempts === 0 && !sending),
    };
  };

  return {
    /** The tray: every unconfirmed or failed mutation. `inFlight` = mutation ids sent and unanswered. */
    list(inFlight: ReadonlySet<number>): OutboxItem[] {
      return outbox.all().map((r) => toItem(r, inFlight.has(r.mutationId)));
    },

    /**
     * Re-queues a rejected mutation as a new one (a message gets a new id, so the server never
     * mistakes it for the refused one); the failed item goes in the same transaction.
     */
    retry(mutationId: number): Result<Queued> {
      const row = outbox.get(mutationId);
      if (!row) return err({ code: 'not_found', message: 'That item is no longer in the outbox.' });
      if (row.status !== 'rejected')
        return err({
          code: 'conflict',
          message: 'Still waiting for the server; retry once it has answered.',
        });
      const args = row.args as Record<string, unknown>;
      const at = new Date(deps.now()).toISOString();
      const result = durable(db, (): Queued => {
        outbox.remove(mutationId);
        if (row.name === 'message.send') {
          const id = uuidv7(deps.now());
          const next = mutationArgs['message.send'].parse({ ...args, id });
          const mid = outbox.enqueue('message.send', next, at, next.conversationId);
          overlays.message(next, mid, at);
          return { mutationId: mid, id };
        }
        if (row.name === 'note.add') {
          const id = uuidv7(deps.now());
          const note: Note = {
            id,
            conversationId: String(args.conversationId),
            authorId: deps.user().id,
            body: String(args.body),
            createdAt: at,
          };
          const mid = outbox.enqueue('note.add', { ...args, id }, at, note.conversationId);
          overlays.note(note, mid);
          return { mutationId: mid, id };
        }
        const mid = outbox.enqueue(row.name, row.args, at, row.conversationId);
        for (const [field, value] of Object.entries(patchFieldsOf(row)))
          overlays.patch(patchEntity(row), patchTarget(row), field, JSON.stringify(value ?? null), mid);
        return { mutationId: mid };
      });
      done(tablesOf(row), row.conversationId);
      return ok(result);
    },

    /**
     * Drops a failed mutation, or one never sent to the server (its id then leaves a gap, which
     * the protocol allows). Once sent, only the server's answer can settle it.
     */
    discard(mutationId: number, inFlight: ReadonlySet<number>): Result<{ discarded: true }> {
      const row = outbox.get(mutationId);
      if (!row) return err({ code: 'not_found', message: 'That item is no longer in the outbox.' });
      if (row.status !== 'rejected' && (row.attempts > 0 || inFlight.has(mutationId)))
        return err({ code: 'conflict', message: 'Already sent to the server; wait for its answer.' });
      // FULL like every outbox write: a discard lost to a power loss would send what was withdrawn.
      durable(db, () => outbox.remove(mutationId));
      done(tablesOf(row), row.conversationId);
      return ok({ discarded: true as const });
    },
  };
}
