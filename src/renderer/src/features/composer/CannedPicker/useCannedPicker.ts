import { useMemo, useState, type KeyboardEvent } from 'react';
import { fillCannedResponse, type CannedResponse, type CannedVariable } from '#contract/api/canned-responses';
import { useCannedResponses, useSession } from '../../../api';
import { matchCanned, slashQueryAt } from './slash-query';

/** What the composer tells the picker about the conversation, for the variables. */
export type CannedContact = { name: string | null; phone: string | null } | null | undefined;

/** Options of {@link useCannedPicker}. */
export interface CannedPickerOptions {
  text: string;
  /** The caret position (selection start) in `text`, or null when unknown. */
  caret: number | null;
  contact: CannedContact;
  /** Off while free text is not allowed (closed window, opted out). */
  enabled: boolean;
  /** Replaces the `/word` with the filled response: the new text and where the caret goes. */
  onInsert(next: string, caret: number): void;
}

/**
 * The composer's "/" picker as state: open while the caret is in a `/word` that matches a
 * canned response; arrow keys move, Enter or Tab inserts (variables filled), Escape closes
 * until the word changes. The responses come from the replica, so it works offline.
 */
export function useCannedPicker({ text, caret, contact, enabled, onInsert }: CannedPickerOptions) {
  const all = useCannedResponses();
  const { session } = useSession();
  const user = session?.status === 'signed_in' ? session.user : null;
  const [active, setActive] = useState(0);
  /** The `/word` the person closed with Escape (stays closed until it changes). */
  const [dismissed, setDismissed] = useState<string | null>(null);

  const slash = enabled && caret !== null ? slashQueryAt(text, caret) : null;
  const key = slash ? `${slash.start}:${slash.query}` : null;
  const options = useMemo(
    () => (slash && all ? matchCanned(all, slash.query) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `slash`
    [key, all],
  );
  const open = key !== null && key !== dismissed && options.length > 0;
  const index = Math.min(active, Math.max(0, options.length - 1));

  const values: Partial<Record<CannedVariable, string | null>> = {
    'contact.name': contact?.name ?? null,
    'contact.phone': contact?.phone ?? null,
    'agent.name': user?.name ?? null,
    'organization.name': user?.organizationName ?? null,
  };

  const choose = (c: CannedResponse) => {
    if (!slash || caret === null) return;
    const filled = fillCannedResponse(c.body, values);
    const next = text.slice(0, slash.start) + filled + text.slice(caret);
    setActive(0);
    onInsert(next, slash.start + filled.length);
  };

  /** Handles the picker's keys; true when the key was the picker's (the caller stops there). */
  const onKeyDown = (e: KeyboardEvent<HTMLElement>): boolean => {
    if (!open) return false;
    switch (e.key) {
      case 'ArrowDown':
        setActive((index + 1) % options.length);
        break;
      case 'ArrowUp':
        setActive((index - 1 + options.length) % options.length);
        break;
      case 'Enter':
      case 'Tab':
        if (e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return false;
        choose(options[index]!);
        break;
      case 'Escape':
        setDismissed(key);
        break;
      default:
        return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  };

  return {
    open,
    options,
    activeIndex: index,
    onKeyDown,
    choose,
    /** The text a response would insert (variables filled), for the option's preview. */
    preview: (c: CannedResponse) => fillCannedResponse(c.body, values),
    /** Moves the highlight (pointer hover). */
    setActive,
  };
}

/** The picker's state. */
export type CannedPickerState = ReturnType<typeof useCannedPicker>;
