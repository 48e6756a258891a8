import { IconCloudUpload, IconHourglassLow, IconStarFilled } from '@tabler/icons-react';
import { WaitingCell, waitingOf } from './WaitingCell';
import { memo } from 'react';
import type { Availability } from '#contract/api/users';
import type { InboxConversation } from '#contract/ipc/contract';
import { absoluteTime, initials, rowAccessibleName, rowText, windowShortLabel } from '../conversation-format';
import { HighlightedText } from './HighlightedText';
import { MessageTypeIcon } from './MessageTypeIcon';
import { SelectCheckbox } from './SelectCheckbox';

/** The DOM id of a row (for `aria-activedescendant`). */
export const rowDomId = (conversationId: string): string => `conversation-row-${conversationId}`;

/** Props of {@link ConversationRow}. */
export interface ConversationRowProps {
  conversation: InboxConversation;
  /** Position in the list (0-based) and the list's size (-1 while more pages exist). */
  index: number;
  setSize: number;
  /** Pixel offset from the top of the list. */
  start: number;
  height: number;
  isSelected: boolean;
  isOpen: boolean;
  assigneeName: string | null;
  isMine: boolean;
  /** The assignee's availability (a dot on their initials); null when unknown or unassigned. */
  assigneeAvailability?: Availability | null;
  /** The search text, highlighted in the name and preview. */
  highlight: string | undefined;
  /** The clock (ms), ticking once a minute, for relative times and the window. */
  now: number;
  onClick(id: string): void;
  /** Checked for a bulk action. */
  isChecked?: boolean;
  /** The selection cell was clicked (`range`: with Shift); no cell without it. */
  onCheck?(id: string, range: boolean): void;
}

/**
 * One conversation in the list: contact, last message with its type icon, time (relative;
 * absolute in the tooltip), unread count, important flag, the 24-hour window, labels and the
 * assignee's initials. An `option` whose accessible name (a visually hidden sentence) starts
 * with the contact's name; the visual parts are `aria-hidden` because the sentence says it all.
 */
export const ConversationRow = memo(function ConversationRow({
  conversation: c,
  index,
  setSize,
  start,
  height,
  isSelected,
  isOpen,
  assigneeName,
  isMine,
  assigneeAvailability = null,
  highlight,
  now,
  onClick,
  isChecked = false,
  onCheck,
}: ConversationRowProps) {
  const text = rowText(c, now);
  const waiting = waitingOf(c, now);
  const { name, window: win } = text;
  const at = c.lastMessageAt ?? c.lastMessage?.at ?? null;
  const assignee = c.assigneeId ? (isMine ? 'you' : (assigneeName ?? 'a teammate')) : null;
  return (
    <div
      role="option"
      id={rowDomId(c.id)}
      className="pc-row"
      aria-selected={isSelected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      data-unread={c.unreadCount > 0 ? '' : undefined}
      data-open={isOpen ? '' : undefined}
      data-checked={isChecked ? '' : undefined}
      data-index={index}
      style={{ height, transform: `translateY(${start}px)` }}
      onClick={() => onClick(c.id)}
    >
      {/* The name comes from this sentence (not aria-label), so nothing visible is left out of it:
          it repeats the visible name, preview and time in words, starting with the contact. The
          selection cell's name ("Select conversation with …") follows it: an aria-labelledby to
          the sentence alone fails axe's label-content-name-mismatch (the visible parts differ). */}
      <span className="pc-sr">
        {rowAccessibleName(c, { now, assigneeName, assigneeAvailability, isMine, text })}
        {waiting ? `, ${waiting.sentence}` : ''}
      </span>
      {onCheck && <SelectCheckbox conversationId={c.id} name={name} checked={isChecked} onCheck={onCheck} />}
      <div className="pc-avatar" aria-hidden>
        {initials(name)}
      </div>
      <div className="pc-body" aria-hidden>
        <div className="pc-line">
          <span className="pc-name">
            <HighlightedText text={name} query={highlight} />
          </span>
          {c.important && <IconStarFilled className="pc-star" size={14} />}
          {c.hasPendingChanges && <IconCloudUpload className="pc-pending" size={14} />}
          {/* The full date goes in the tooltip when the pointer arrives: formatting it for every
              row rendered while scrolling would cost more than the row itself. */}
          {/* Keyed by conversation: a reused row must not keep the previous one's title. */}
          <time
            key={c.id}
            className="pc-time"
            dateTime={at ?? undefined}
            onPointerEnter={(e) => {
              e.currentTarget.title = absoluteTime(at);
            }}
          >
            {text.time}
          </time>
        </div>
        <div className="pc-line">
          {c.lastMessage && <MessageTypeIcon type={c.lastMessage.type} />}
          <span className="pc-preview">
            <HighlightedText text={text.preview} query={highlight} />
          </span>
          {c.unreadCount > 0 && (
            <span className="pc-unread">{c.unreadCount > 99 ? '99+' : c.unreadCount}</span>
          )}
        </div>
        <div className="pc-line">
          <span className="pc-window" data-kind={win.kind} title={`24-hour window: ${windowShortLabel(win)}`}>
            <IconHourglassLow size={13} />
            {windowShortLabel(win)}
          </span>
          <span className="pc-labels">
            {c.labels.map((l) => (
              <span key={l} className="pc-label">
                {l}
              </span>
            ))}
          </span>
          <WaitingCell conversation={c} now={now} />
          {assignee && (
            <span className="pc-assignee" title={`Assigned to ${assignee}`}>
              {isMine ? 'Me' : initials(assignee)}
              {assigneeAvailability && (
                <span className="pc-assignee-dot" data-availability={assigneeAvailability} />
              )}
            </span>
          )}
        </div>
      </div>
    </div>
  );
});
