import '../inbox.css';
import { CloseButton, Kbd, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { memo, useImperativeHandle, useRef, useState, type Ref } from 'react';

/** How long typing pauses before the search runs (ms); results come as you type. */
export const SEARCH_DEBOUNCE_MS = 80;

/** What the parent can do with the search box. */
export interface SearchBoxHandle {
  focus(): void;
  /** Clears the text and the search at once. */
  clear(): void;
}

/** Props of {@link SearchBox}. */
export interface SearchBoxProps {
  /** Called with the text after a short pause, and at once when cleared. */
  onSearch(text: string): void;
  /** Escape on an empty box: hand focus back (to the list). */
  onLeave?(): void;
  handleRef?: Ref<SearchBoxHandle>;
}

/**
 * The inbox search: contacts, numbers and message text in the local replica. Searches as you
 * type (debounced); Escape clears, a second Escape leaves the box.
 */
export const SearchBox = memo(function SearchBox({ onSearch, onLeave, handleRef }: SearchBoxProps) {
  const [text, setText] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const debounced = useDebouncedCallback(onSearch, SEARCH_DEBOUNCE_MS);

  const clear = () => {
    debounced.cancel();
    setText('');
    onSearch('');
  };
  useImperativeHandle(handleRef, () => ({
    focus: () => {
      inputRef.current?.focus();
      inputRef.current?.select();
    },
    clear,
  }));

  return (
    <div role="search" className="pi-search">
      <TextInput
        ref={inputRef}
        type="search"
        aria-label="Search"
        aria-keyshortcuts="/"
        // The shortcut is a key cap beside the box rather than the placeholder's tail, which a
        // narrow list cut mid-glyph; the placeholder itself ends with an ellipsis (inbox.css).
        placeholder="Search names, numbers, messages"
        value={text}
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={
          text ? (
            <CloseButton size="sm" aria-label="Clear search" onClick={clear} />
          ) : (
            <Kbd size="xs" aria-hidden title="Press / to search">
              /
            </Kbd>
          )
        }
        rightSectionPointerEvents={text ? 'all' : 'none'}
        onChange={(e) => {
          setText(e.currentTarget.value);
          debounced(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            if (text) clear();
            else onLeave?.();
          } else if (e.key === 'Enter') {
            // Run now rather than after the pause.
            debounced.flush();
          }
        }}
      />
    </div>
  );
});
