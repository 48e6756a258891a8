import { Alert, Center, Group, Loader } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { atLeast } from '#contract/domain/roles';
import type { ThreadMessage, ThreadNote } from '#contract/ipc/contract';
import { useMembers, useParleyClient, useSession, useTeams } from '../../../api';
import { safeLabel } from '../../../components/FormattedText';
import { useReplyWindow } from '../../../hooks/useReplyWindow';
import { MessageComposer, requestTemplate, useMediaDraft, useTemplates } from '../../composer';
import { ContactPanel } from '../ContactPanel/ContactPanel';
import { ConversationHeader } from '../ConversationHeader/ConversationHeader';
import { MediaViewer } from '../MediaViewer/MediaViewer';
import { ThreadContext, type ThreadContextValue } from '../thread-context';
import { Thread } from '../Thread/Thread';
import { buildThreadRows } from '../Thread/thread-rows';
import { ViewerRoster } from '../collision/ViewerRoster';
import { PresenceLine } from '../collision/PresenceLine';
import { useCollisionGuard } from '../collision/useCollisionGuard';
import { usePresence } from '../collision/usePresence';
import { useConversation } from '../useConversation';
import { useConversationActions } from '../useConversationActions';
import { useOtherConversations } from '../useOtherConversations';
import { useThread } from '../useThread';
import './ConversationView.css';
import { DropOverlay } from './DropOverlay';
import { resendInput } from './resend-input';
import { useFileDrop } from './useFileDrop';

/** Props of {@link ConversationView}. */
export interface ConversationViewProps {
  /** The conversation to show (from the local replica). */
  conversationId: string;
  /** Closes the view (the inbox shows its list again). */
  onClose?: () => void;
  /** Opens another conversation (the contact panel lists the contact's others). */
  onOpenConversation?: (conversationId: string) => void;
}

/** How long a jumped-to message stays highlighted. */
const HIGHLIGHT_MS = 2_000;

/**
 * One conversation: header (contact, live 24-hour window, assignment, status, important,
 * labels), the virtualized thread, the composer and the contact panel — all read from the
 * local replica and written through the outbox, so it works the same offline. Files dropped
 * anywhere on it go to the media composer.
 */
export function ConversationView({ conversationId, onClose, onOpenConversation }: ConversationViewProps) {
  const client = useParleyClient();
  const { session } = useSession();
  const me = session?.status === 'signed_in' ? session.user : null;
  const myUserId = me?.id ?? '';
  const { detail, error } = useConversation(conversationId);
  const thread = useThread(conversationId);
  const members = useMembers();
  const teams = useTeams();
  const actions = useConversationActions(conversationId);
  const media = useMediaDraft();
  const [replyTo, setReplyTo] = useState<ThreadMessage | null>(null);
  const [viewing, setViewing] = useState<ThreadMessage | null>(null);
  const [highlightedId, setHighlightedId] = useState<string | null>(null);
  const [jump, setJump] = useState<{ messageId: string } | null>(null);
  const [jumpNotice, setJumpNotice] = useState<string | null>(null);
  const [isPanelOpen, setPanelOpen] = useState(false);
  const presence = usePresence(conversationId);
  const nameOf = useCallback(
    (id: string) => members?.find((m) => m.id === id)?.name ?? 'A teammate',
    [members],
  );
  const collision = useCollisionGuard({
    conversationId,
    meId: myUserId,
    presence: presence.map,
    messages: thread.messages,
    nameOf,
  });

  const conversation = detail?.conversation;
  const templates = useTemplates(conversation?.whatsappAccountId ?? '', !!conversation);

  // The unread line stays where it was when the conversation opened, even once it is read.
  const [readMarkOnOpen, setReadMarkOnOpen] = useState<number | null>(null);
  if (conversation && readMarkOnOpen === null) {
    setReadMarkOnOpen(conversation.readUpToConvSeq);
  }

  // Presence: this conversation is on screen (teammates see who is looking).
  useEffect(() => {
    void client.call('presence:set', { conversationId, typing: false });
    return () => {
      void client.call('presence:set', { conversationId: null, typing: false });
    };
  }, [client, conversationId]);

  const memberById = useMemo(() => new Map((members ?? []).map((m) => [m.id, m])), [members]);
  const messageById = useMemo(() => new Map(thread.messages.map((m) => [m.id, m])), [thread.messages]);
  // Read through a ref so the thread's context keeps its identity when a message arrives: a new
  // context value would re-render every bubble. Quoting bubbles, the readers, always re-render
  // (Thread/same-row.ts), so they see the current map.
  const messageByIdRef = useRef(messageById);
  // eslint-disable-next-line react-hooks/refs -- written during render on purpose: the rows rendered below must read this render's map.
  messageByIdRef.current = messageById;
  const templateByKey = useMemo(
    () => new Map((templates.approved ?? []).map((t) => [`${t.name}|${t.language}`, t])),
    [templates.approved],
  );

  const contactName =
    safeLabel(detail?.contact?.name ?? detail?.contact?.profileName ?? conversation?.contact.name) ||
    conversation?.contact.phone ||
    'Unknown contact';

  const rows = useMemo(
    () =>
      buildThreadRows({
        messages: thread.messages,
        notes: thread.notes,
        readUpToConvSeq: readMarkOnOpen,
        myUserId,
      }),
    [thread.messages, thread.notes, readMarkOnOpen, myUserId],
  );

  // Mark read once the agent is at the newest message (the marker only moves forward).
  const lastSeq = useMemo(() => {
    for (let i = thread.messages.length - 1; i >= 0; i--) {
      const m = thread.messages[i]!;
      if (m.convSeq > 0) return m.convSeq;
    }
    return 0;
  }, [thread.messages]);
  const readUpTo = conversation?.readUpToConvSeq ?? 0;
  // Marked unread by hand (the marker is already at the end): reading it again clears that.
  const markedUnread = lastSeq > 0 && lastSeq <= readUpTo && (conversation?.unreadCount ?? 0) > 0;
  const handleAtBottom = useCallback(
    (isAtBottom: boolean) => {
      if (isAtBottom && (lastSeq > readUpTo || markedUnread) && document.visibilityState !== 'hidden') {
        void client.call('conversation:markRead', { conversationId, readUpToConvSeq: lastSeq });
      }
    },
    [client, conversationId, lastSeq, readUpTo, markedUnread],
  );

  const jumpTo = useCallback((messageId: string) => {
    setJumpNotice(null);
    setJump({ messageId });
  }, []);
  const handleJumpSettled = useCallback((found: boolean) => {
    setJump((j) => {
      if (j) {
        if (found) setHighlightedId(j.messageId);
        else setJumpNotice('The original message is no longer available on this device.');
      }
      return null;
    });
  }, []);
  useEffect(() => {
    if (!highlightedId) return undefined;
    const timer = window.setTimeout(() => setHighlightedId(null), HIGHLIGHT_MS);
    return () => window.clearTimeout(timer);
  }, [highlightedId]);

  const retryMessage = useCallback(
    (m: ThreadMessage) => {
      if (m.pending?.state === 'failed') {
        void client.call('outbox:retry', { mutationId: m.pending.mutationId });
        return;
      }
      // Meta failed it after the server accepted it: send a new copy with the same content.
      const message = resendInput(m);
      if (message) void client.call('messages:send', { conversationId, message });
    },
    [client, conversationId],
  );

  const windowOpen = useReplyWindow(conversation?.windowExpiresAt).isOpen;
  // After the 24-hour window only templates may go: the overlay says why; nothing is queued.
  const drop = useFileDrop(media.add, windowOpen);
  const contextValue = useMemo<ThreadContextValue>(
    () => ({
      myUserId,
      contactName,
      memberName: (id) => (id ? (memberById.get(id)?.name ?? null) : null),
      messageById: (id) => messageByIdRef.current.get(id),
      templateFor: (name, language) => templateByKey.get(`${name}|${language}`),
      highlightedId,
      jumpTo,
      reply: (m) => setReplyTo(m),
      react: (m, emoji) =>
        void client.call('messages:send', {
          conversationId,
          message: { type: 'reaction', messageId: m.id, emoji },
        }),
      retry: retryMessage,
      windowOpen,
      sendTemplate: () => requestTemplate(conversationId),
      discard: (m) => {
        if (m.pending) void client.call('outbox:discard', { mutationId: m.pending.mutationId });
      },
      view: (m) => setViewing(m),
    }),
    [
      myUserId,
      contactName,
      memberById,
      templateByKey,
      highlightedId,
      jumpTo,
      client,
      conversationId,
      retryMessage,
      windowOpen,
    ],
  );

  const contactId = conversation?.contact.id ?? '';
  const others = useOtherConversations(
    contactId,
    conversation?.contact.phone?.replace(/^\+/u, '') ?? conversation?.contact.waId ?? null,
    conversationId,
  );

  if (error) {
    return (
      <Alert color="red" title="This conversation can't be shown" role="alert">
        {error.message}
      </Alert>
    );
  }
  if (!detail || !conversation) {
    return (
      <Center h="100%">
        <Loader aria-label="Loading conversation" />
      </Center>
    );
  }

  const subtitle =
    detail.contact?.phone ??
    conversation.contact.phone ??
    detail.contact?.username ??
    conversation.contact.waId;
  const replyAuthor = (m: ThreadMessage) =>
    m.direction === 'inbound'
      ? contactName
      : m.authorId === myUserId
        ? 'You'
        : (memberById.get(m.authorId ?? '')?.name ?? 'your team');

  return (
    <ThreadContext value={contextValue}>
      <div
        className="pv-view"
        aria-label={`Conversation with ${contactName}`}
        role="region"
        {...drop.handlers}
      >
        <div className="pv-view-main">
          <ConversationHeader
            conversation={conversation}
            name={contactName}
            subtitle={subtitle}
            members={members ?? []}
            teams={teams ?? []}
            myUserId={myUserId}
            canAssign={me ? atLeast(me.role, 'manager') : false}
            actions={actions}
            isContactPanelOpen={isPanelOpen}
            onToggleContactPanel={() => setPanelOpen((o) => !o)}
            onClose={onClose}
            presence={
              <Group gap="xs" wrap="nowrap" miw={0}>
                <ViewerRoster
                  viewers={[...presence.typing, ...presence.viewing].map((id) => ({
                    id,
                    name: nameOf(id),
                    availability: memberById.get(id)?.availability ?? 'offline',
                  }))}
                />
                <PresenceLine typing={presence.typing.map(nameOf)} viewing={presence.viewing.map(nameOf)} />
              </Group>
            }
          />
          {collision.dialog}
          {jumpNotice && (
            <Alert
              color="gray"
              p="xs"
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={() => setJumpNotice(null)}
            >
              {jumpNotice}
            </Alert>
          )}
          {thread.error ? (
            <Alert color="red" m="md" role="alert">
              {thread.error}
            </Alert>
          ) : thread.isLoading ? (
            <Center style={{ flex: 1 }}>
              <Loader aria-label="Loading messages" />
            </Center>
          ) : (
            <Thread
              conversationId={conversationId}
              rows={rows}
              history={thread}
              onLoadOlder={thread.loadOlder}
              onRetryNote={(note: ThreadNote) => {
                if (note.pending) void client.call('outbox:retry', { mutationId: note.pending.mutationId });
              }}
              onAtBottomChange={handleAtBottom}
              jump={jump}
              onJumpSettled={handleJumpSettled}
            />
          )}
          <MessageComposer
            key={conversationId}
            conversationId={conversationId}
            whatsappAccountId={conversation.whatsappAccountId}
            windowExpiresAt={conversation.windowExpiresAt}
            initialDraft={detail.draft}
            replyTo={replyTo ? { message: replyTo, author: replyAuthor(replyTo) } : null}
            onCancelReply={() => setReplyTo(null)}
            isOptedOut={detail.contact?.optedOut ?? false}
            media={media}
            sendGuard={collision.guard}
            contact={conversation.contact}
          />
        </div>
        {isPanelOpen && (
          <ContactPanel
            contact={detail.contact}
            fallback={conversation.contact}
            otherConversations={others}
            onUpdate={(patch) => {
              if (detail.contact) void client.call('contact:update', { contactId: detail.contact.id, patch });
            }}
            onOpenConversation={onOpenConversation}
          />
        )}
        {drop.isDragging && <DropOverlay contactName={contactName} isWindowOpen={windowOpen} />}
        <MediaViewer message={viewing} onClose={() => setViewing(null)} />
      </div>
    </ThreadContext>
  );
}
