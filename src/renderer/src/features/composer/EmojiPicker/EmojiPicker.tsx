import { Box, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import './EmojiPicker.css';
import { EMOJI_CATEGORIES, EMOJI_COLUMNS, searchEmoji, type EmojiEntry } from './emoji-data';

/** Props of {@link EmojiPicker}. */
export interface EmojiPickerProps {
  /** Inserts the chosen emoji. */
  onPick(emoji: string): void;
  /** Escape: close the picker (focus goes back to the message box). */
  onClose(): void;
}

/**
 * A compact emoji grid with search, used as a combobox: the search box keeps focus, arrow
 * keys move through the 8-column grid (Up/Down by rows), Home/End jump, Enter inserts,
 * Escape closes. The active emoji is announced through `aria-activedescendant`.
 */
export function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const baseId = useId();
  const listId = `${baseId}-list`;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);

  const groups = useMemo(() => {
    const list = query.trim()
      ? [{ name: 'Results', emoji: searchEmoji(query) }]
      : EMOJI_CATEGORIES.map((c) => ({ name: c.name, emoji: c.emoji }));
    return list.map((g, i) => ({
      ...g,
      start: list.slice(0, i).reduce((n, prev) => n + prev.emoji.length, 0),
    }));
  }, [query]);
  const flat = useMemo(() => groups.flatMap((g) => g.emoji), [groups]);
  const activeIndex = Math.min(active, Math.max(flat.length - 1, 0));
  const optionId = (i: number) => `${baseId}-o${i}`;

  const move = (next: number) => {
    const clamped = Math.max(0, Math.min(flat.length - 1, next));
    setActive(clamped);
    listRef.current?.querySelector(`#${CSS.escape(optionId(clamped))}`)?.scrollIntoView({ block: 'nearest' });
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowRight':
        move(activeIndex + 1);
        break;
      case 'ArrowLeft':
        move(activeIndex - 1);
        break;
      case 'ArrowDown':
        move(activeIndex + EMOJI_COLUMNS);
        break;
      case 'ArrowUp':
        move(activeIndex - EMOJI_COLUMNS);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(flat.length - 1);
        break;
      case 'Enter': {
        const entry = flat[activeIndex];
        if (entry) onPick(entry.emoji);
        break;
      }
      case 'Escape':
        onClose();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const renderOption = (entry: EmojiEntry, i: number) => {
    return (
      <div
        key={entry.emoji}
        id={optionId(i)}
        role="option"
        aria-selected={i === activeIndex}
        aria-label={entry.name}
        className="pcm-emoji-option"
        title={entry.name}
        // Keep focus in the search box; the click still picks.
        onMouseDown={(e) => e.preventDefault()}
        onMouseEnter={() => setActive(i)}
        onClick={() => onPick(entry.emoji)}
      >
        <span aria-hidden>{entry.emoji}</span>
      </div>
    );
  };

  return (
    <Box w={8 * 34 + 8}>
      <TextInput
        size="xs"
        leftSection={<IconSearch size={14} aria-hidden />}
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={handleKeyDown}
        role="combobox"
        aria-expanded
        aria-controls={listId}
        aria-activedescendant={flat.length > 0 ? optionId(activeIndex) : undefined}
        aria-autocomplete="list"
        data-autofocus
        autoFocus
      />
      <div ref={listRef} id={listId} role="listbox" aria-label="Emoji" className="pcm-emoji-list">
        {flat.length === 0 ? (
          <Text size="sm" c="dimmed" p="xs">
            No emoji match “{query}”.
          </Text>
        ) : (
          groups.map((g) =>
            g.emoji.length === 0 ? null : (
              <div key={g.name} role="group" aria-label={g.name}>
                <Text size="xs" c="dimmed" fw={600} my={4} aria-hidden>
                  {g.name}
                </Text>
                <div className="pcm-emoji-grid">
                  {g.emoji.map((entry, j) => renderOption(entry, g.start + j))}
                </div>
              </div>
            ),
          )
        )}
      </div>
    </Box>
  );
}
