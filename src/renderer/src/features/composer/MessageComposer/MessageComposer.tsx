import { Box, Button, Group, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconNote, IconSend, IconTemplate } from '@tabler/icons-react';
import { useCallback, useId, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import type { Message } from '#contract/api/messages';
import { WHATSAPP_LIMITS } from '#contract/domain/messaging';
import { useParleyClient } from '../../../api';
import { useReplyWindow } from '../../../hooks/useReplyWindow';
import { MediaComposer } from '../MediaComposer/MediaComposer';
import type { MediaDraft } from '../MediaComposer/useMediaDraft';
import { ReplyPreview } from '../ReplyPreview/ReplyPreview';
import { TemplatePicker } from '../TemplatePicker/TemplatePicker';
import { useTemplateRequest } from '../template-request';
import { useDraft } from '../useDraft';
import { CannedPicker, cannedOptionId } from '../CannedPicker/CannedPicker';
import { useCannedPicker, type CannedContact } from '../CannedPicker/useCannedPicker';
import './MessageComposer.css';
import { isSendKey, readSendKey, writeSendKey, type SendKey } from './send-key';
import { AttachButton } from './AttachButton';
import { ComposerNotices, OPTED_OUT_SENTENCE, WINDOW_CLOSED_SENTENCE } from './ComposerNotices';
import { EmojiButton } from './EmojiButton';
import { useTypingPresence } from './use-typing-presence';
import { SendKeyMenu } from './SendKeyMenu';
import { useDraftSignal, type SendGuard } from '../send-guard';

export { WINDOW_CLOSED_SENTENCE } from './ComposerNotices';

/** Props of {@link MessageComposer}. */
export interface MessageComposerProps {
  conversationId: string;
  /** The conversation's WhatsApp number (templates are per number). */
  whatsappAccountId: string;
  windowExpiresAt: string | null;
  /** The draft from `conversation:get`, when already read; otherwise `drafts:get` is asked. */
  initialDraft?: string | null;
  /** The message being replied to. */
  replyTo: { message: Message; author: string } | null;
  onCancelReply(): void;
  /** The contact opted out: nothing can be sent to them. */
  isOptedOut?: boolean;
  /** Files picked, dropped or pasted, waiting in the media composer. */
  media: MediaDraft;
  /** Something was queued (the thread scrolls to it). */
  onSent?: () => void;
  /** Asked before a reply (not a note) goes out: the collision warning. */
  sendGuard?: SendGuard;
  /** The customer, for canned responses' `{{contact.*}}` variables. */
  contact?: CannedContact;
}

/**
 * The composer: **Message** box and **Send** (Enter sends, Shift+Enter adds a line, or the
 * other way round), emoji, a reply quote (Escape cancels), per-conversation drafts, **Note**
 * mode for internal notes, **Attach files** (also drag and drop and paste) and **Templates**,
 * which is always there and the only way to write once the 24-hour window has closed: then
 * text, emoji, attachments and pasted files are all disabled, each described by the reason,
 * and **Choose a template** sits in that reason.
 * Everything is queued locally; nothing waits on the network.
 */
export function MessageComposer({
  conversationId,
  whatsappAccountId,
  windowExpiresAt,
  initialDraft,
  replyTo,
  onCancelReply,
  isOptedOut = false,
  media,
  onSent,
  sendGuard,
  contact,
}: MessageComposerProps) {
  const client = useParleyClient();
  const draft = useDraft(conversationId, initialDraft);
  const window24 = useReplyWindow(windowExpiresAt);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [sendKey, setSendKey] = useState<SendKey>(readSendKey);
  const [isEmojiOpen, setEmojiOpen] = useState(false);
  const [isTemplatesOpen, setTemplatesOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isSending, setSending] = useState(false);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  /** Where the caret was when the box last had focus (null: never, so emoji go at the end). */
  const selection = useRef<{ start: number; end: number } | null>(null);
  const [caret, setCaret] = useState<number | null>(null);
  const pickerId = useId();

  const isNote = mode === 'note';
  const isClosed = !isNote && !window24.isOpen;
  const isBlocked = !isNote && isOptedOut;
  // Why free-form content is refused now (attachments too: WhatsApp refuses every non-template
  // message after the window), shown beside each disabled control.
  const reasonId = useId();
  const freeFormReason = isBlocked ? OPTED_OUT_SENTENCE : isClosed ? WINDOW_CLOSED_SENTENCE : null;
  const openTemplates = useCallback(() => setTemplatesOpen(true), []);
  useTemplateRequest(conversationId, openTemplates);
  const text = draft.text;
  // "/" + shortcut inserts a canned response (the picker's keys come before the composer's).
  const picker = useCannedPicker({
    text,
    caret,
    contact,
    enabled: !isClosed && !isBlocked,
    onInsert: (next, at) => {
      draft.setText(next);
      setCaret(at);
      selection.current = { start: at, end: at };
      requestAnimationFrame(() => textareaRef.current?.setSelectionRange(at, at));
    },
  });
  const limit = isNote ? 10_000 : WHATSAPP_LIMITS.textMaxChars;
  const isTooLong = text.length > limit;
  const canSend =
    !isClosed && !isBlocked && text.trim().length > 0 && !isTooLong && !isSending && draft.isLoaded;

  const announceTyping = useTypingPresence(conversationId, isNote);

  const rememberSelection = () => {
    const el = textareaRef.current;
    if (el) selection.current = { start: el.selectionStart, end: el.selectionEnd };
    if (el) setCaret(el.selectionStart === el.selectionEnd ? el.selectionStart : null);
  };

  const insertAtCursor = (insert: string) => {
    const el = textareaRef.current;
    const start = Math.min(selection.current?.start ?? text.length, text.length);
    const end = Math.min(selection.current?.end ?? text.length, text.length);
    selection.current = { start: start + insert.length, end: start + insert.length };
    const next = text.slice(0, start) + insert + text.slice(end);
    draft.setText(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + insert.length, start + insert.length);
    });
  };

  useDraftSignal(sendGuard, text);
  const send = async () => {
    if (!canSend) return;
    if (!isNote && sendGuard && !(await sendGuard.confirmSend())) return;
    setSending(true);
    setError(null);
    const body = text.trim();
    const r = isNote
      ? await client.call('note:add', { conversationId, body })
      : await client.call('messages:send', {
          conversationId,
          message: { type: 'text', text: body, ...(replyTo ? { replyToMessageId: replyTo.message.id } : {}) },
        });
    setSending(false);
    if (!r.ok) {
      // The text stays in the box: nothing is lost.
      setError(r.error.message);
      return;
    }
    draft.clear();
    if (!isNote) onCancelReply();
    onSent?.();
    textareaRef.current?.focus();
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker.onKeyDown(e)) return;
    if (e.key === 'Escape' && replyTo) {
      e.preventDefault();
      e.stopPropagation();
      onCancelReply();
      return;
    }
    if (isSendKey(e.nativeEvent, sendKey)) {
      e.preventDefault();
      void send();
    }
  };

  const handlePaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData.files ?? []);
    if (files.length === 0) return;
    e.preventDefault();
    if (freeFormReason) {
      setError(`Pasted files can't be sent. ${freeFormReason}`);
      return;
    }
    media.add(files);
  };

  const pickFiles = (files: File[]) => {
    if (files.length > 0 && !freeFormReason) media.add(files);
  };

  const sendHint =
    sendKey === 'enter' ? 'Enter sends · Shift+Enter adds a line' : 'Ctrl+Enter sends · Enter adds a line';

  return (
    <Box className="pcm-composer" data-mode={mode}>
      <Stack gap={6}>
        {replyTo && !isNote && (
          <ReplyPreview message={replyTo.message} author={replyTo.author} onCancel={onCancelReply} />
        )}
        <ComposerNotices
          isClosed={isClosed}
          isBlocked={isBlocked}
          isNote={isNote}
          reasonId={reasonId}
          onChooseTemplate={openTemplates}
        />
        <CannedPicker id={pickerId} picker={picker} />
        <Textarea
          ref={textareaRef}
          aria-autocomplete="list"
          aria-controls={picker.open ? pickerId : undefined}
          aria-activedescendant={picker.open ? cannedOptionId(pickerId, picker.activeIndex) : undefined}
          label="Message"
          labelProps={{ className: 'pcm-visually-hidden' }}
          placeholder={
            isNote ? 'Write an internal note' : isClosed ? 'Free text is unavailable' : 'Write a reply'
          }
          value={text}
          onChange={(e) => {
            draft.setText(e.currentTarget.value);
            setCaret(e.currentTarget.selectionStart);
            setError(null);
            announceTyping();
          }}
          onKeyDown={handleKeyDown}
          onPaste={handlePaste}
          onSelect={rememberSelection}
          onBlur={rememberSelection}
          disabled={isClosed || isBlocked || !draft.isLoaded}
          autosize
          minRows={2}
          maxRows={10}
          error={
            isTooLong
              ? `${isNote ? 'Notes' : 'Messages'} are limited to ${limit.toLocaleString()} characters (${text.length.toLocaleString()} now)`
              : undefined
          }
          description={
            !isTooLong && text.length > limit - 200 ? `${limit - text.length} characters left` : undefined
          }
          dir="auto"
        />
        {error && (
          <Text size="sm" role="alert" c="var(--mantine-color-error)">
            {error}
          </Text>
        )}
        {/* Wraps when the pane is narrow (contact panel open at 1280 px): Send moves to its own
            line, whole, instead of being pushed past the pane's edge. */}
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap={4} wrap="nowrap">
            <EmojiButton
              opened={isEmojiOpen}
              onOpenedChange={setEmojiOpen}
              disabled={isClosed || isBlocked}
              describedBy={freeFormReason ? reasonId : undefined}
              onPick={insertAtCursor}
              onClose={() => textareaRef.current?.focus()}
            />
            <AttachButton
              reason={freeFormReason}
              reasonId={reasonId}
              disabled={Boolean(freeFormReason) || isNote}
              onPick={pickFiles}
            />
            <Button
              size="compact-sm"
              variant={isClosed ? 'filled' : 'default'}
              leftSection={<IconTemplate size={14} aria-hidden />}
              onClick={() => setTemplatesOpen(true)}
              disabled={isBlocked}
              aria-label="Templates"
            >
              <span className="pcm-tool-label">Templates</span>
            </Button>
            <Button
              size="compact-sm"
              variant={isNote ? 'filled' : 'subtle'}
              color={isNote ? 'yellow' : 'gray'}
              c={isNote ? 'var(--mantine-color-black)' : undefined}
              leftSection={<IconNote size={14} aria-hidden />}
              aria-pressed={isNote}
              onClick={() => setMode(isNote ? 'reply' : 'note')}
              aria-label="Note"
            >
              <span className="pcm-tool-label">Note</span>
            </Button>
          </Group>
          <Group gap={4} wrap="nowrap" style={{ marginInlineStart: 'auto' }}>
            <SendKeyMenu
              sendKey={sendKey}
              onChange={(value) => {
                setSendKey(value);
                writeSendKey(value);
              }}
            />
            {/* The send-key hint is the button's tooltip: as text beside it, it squeezed Send to
                "S" in a narrow pane. */}
            <Tooltip label={sendHint} withArrow position="top-end">
              <Button
                size="compact-md"
                rightSection={<IconSend size={16} aria-hidden />}
                style={{ flex: 'none' }}
                aria-describedby={freeFormReason ? reasonId : undefined}
                onClick={() => void send()}
                disabled={!canSend}
                loading={isSending}
                color={isNote ? 'yellow' : undefined}
                c={isNote ? 'var(--mantine-color-black)' : undefined}
              >
                {isNote ? 'Add note' : 'Send'}
              </Button>
            </Tooltip>
          </Group>
        </Group>
      </Stack>
      <TemplatePicker
        opened={isTemplatesOpen}
        onClose={() => setTemplatesOpen(false)}
        conversationId={conversationId}
        whatsappAccountId={whatsappAccountId}
        replyToMessageId={replyTo?.message.id}
        onSent={() => {
          setTemplatesOpen(false);
          onCancelReply();
          onSent?.();
        }}
      />
      <MediaComposer
        opened={media.items.length > 0}
        draft={media}
        conversationId={conversationId}
        replyToMessageId={replyTo?.message.id}
        onSent={() => {
          onCancelReply();
          onSent?.();
        }}
        onClose={media.clear}
      />
    </Box>
  );
}
