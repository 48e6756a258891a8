import type { Clock } from '../../lib/clock';
import type { MediaStore } from '../media/media-store';
import type { AccountCredentials } from '../whatsapp/account-service';
import type { GraphClient, GraphError } from '../../meta/graph-client';
import { buildOutboundBody } from './outbound-body';
import type { SendItem, SendOutcome } from './send-outcome';
import type { MediaUpload } from './send-results';

/** Uploaded media ids live 30 days at Meta (digest §6); reuse them for a day less. */
const MEDIA_REUSE_MS = 29 * 24 * 3600_000;

type Uploaded = { ok: true; id: string } | { ok: false; outcome: SendOutcome };

/** One number's send attempts (see {@link createSendAttempts}). */
export type SendAttempts = ReturnType<typeof createSendAttempts>;

/**
 * One number's send attempts: upload the message's media unless Meta still holds it (one upload
 * per file however many sends wait on it), build the Graph body, send, and say what came of it.
 * Uploads are remembered until the batch that records them is written (`takeUploads`).
 */
export function createSendAttempts(deps: {
  accountId: string;
  graph: Pick<GraphClient, 'sendMessage' | 'uploadMedia'>;
  mediaStore: Pick<MediaStore, 'open'>;
  clock: Clock;
  /** What a Graph error means (`upload`: the media upload failed), see `classifySendError`. */
  classify: (item: SendItem, e: GraphError, upload: boolean) => SendOutcome;
}) {
  const { accountId, graph, clock } = deps;
  const inFlight = new Map<string, Promise<Uploaded>>();
  let uploads: MediaUpload[] = [];

  const upload = async (item: SendItem, c: AccountCredentials): Promise<Uploaded> => {
    const m = item.media!;
    const opened = m.storageKey ? await deps.mediaStore.open(m.storageKey) : null;
    if (!opened)
      return {
        ok: false,
        outcome: {
          kind: 'failed',
          item,
          failure: {
            code: 'media_missing',
            title: null,
            message: 'The file of this message is no longer available.',
          },
          error: 'media bytes missing',
        },
      };
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    const r = await graph.uploadMedia(c.phoneNumberId, c.accessToken, {
      bytes: Buffer.concat(chunks),
      mimeType: m.mimeType,
      fileName: m.fileName ?? 'file',
    });
    if (!r.ok) {
      inFlight.delete(m.id);
      return { ok: false, outcome: deps.classify(item, r.error, true) };
    }
    uploads.push({ mediaId: m.id, metaId: r.value.mediaId, at: clock.now() });
    return { ok: true, id: r.value.mediaId };
  };

  /** The Meta id of the item's media, uploading it when Meta does not hold it for this number. */
  const ensureUploaded = (item: SendItem, c: AccountCredentials): Promise<Uploaded> => {
    const m = item.media!;
    if (m.metaUploadedId && m.accountId === accountId && m.metaUploadedAt)
      if (clock.now().getTime() - m.metaUploadedAt.getTime() < MEDIA_REUSE_MS)
        return Promise.resolve({ ok: true, id: m.metaUploadedId });
    let p = inFlight.get(m.id);
    if (!p) {
      p = upload(item, c);
      inFlight.set(m.id, p);
    }
    // A failed upload shared by several sends fails each with its own item.
    return p.then((r) => (r.ok ? r : { ok: false, outcome: { ...r.outcome, item } as SendOutcome }));
  };

  return {
    /** Sends one item (its message is queued and has no wamid) with the number's credentials. */
    send: async (item: SendItem, c: AccountCredentials): Promise<SendOutcome> => {
      const ctx = item.ctx!;
      let mediaId: string | null = null;
      if (item.media) {
        const up = await ensureUploaded(item, c);
        if (!up.ok) return up.outcome;
        mediaId = up.id;
      }
      const built = buildOutboundBody(ctx, mediaId);
      if (!built.ok)
        return {
          kind: 'failed',
          item,
          failure: { code: built.problem.code, title: null, message: built.problem.message },
          error: built.problem.message,
        };
      const r = await graph.sendMessage(c.phoneNumberId, c.accessToken, built.body);
      if (r.ok) return { kind: 'accepted', item, wamid: r.value.wamid, waId: r.value.waId };
      return deps.classify(item, r.error, false);
    },
    /** Uploads not yet written; the caller hands them back with `returnUploads` if the write fails. */
    takeUploads: (): MediaUpload[] => {
      const taken = uploads;
      uploads = [];
      return taken;
    },
    returnUploads: (taken: readonly MediaUpload[]) => {
      uploads = [...taken, ...uploads];
    },
    /** Uploads waiting to be written. */
    pendingUploads: () => uploads.length,
  };
}
