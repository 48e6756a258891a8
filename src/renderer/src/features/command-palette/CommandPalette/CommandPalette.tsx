import { Box, Group, Kbd, Modal, ScrollArea, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconCommand } from '@tabler/icons-react';
import { memo, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { filterCommands, type Command } from '../commands';

/** Props of {@link CommandPalette}. */
export interface CommandPaletteProps {
  opened: boolean;
  onClose(): void;
  commands: readonly Command[];
}

/**
 * The command palette (Ctrl/Cmd+K): a dialog with a **Command** combobox that filters the
 * commands as you type; ↑/↓ move, Enter runs, Escape closes. The list is a listbox whose
 * active option the combobox points at with `aria-activedescendant`.
 */
export const CommandPalette = memo(function CommandPalette({
  opened,
  onClose,
  commands,
}: CommandPaletteProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': 'Close' }}
      title="Command palette"
      size="lg"
      yOffset="12vh"
      padding="sm"
      styles={{ title: { fontWeight: 600 } }}
    >
      {/* Mounted per opening, so each one starts with an empty query. */}
      {opened && <PaletteBody commands={commands} onClose={onClose} />}
    </Modal>
  );
});

function PaletteBody({ commands, onClose }: { commands: readonly Command[]; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const viewport = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => filterCommands(commands, query), [commands, query]);
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));
  const optionId = (i: number) => `${baseId}-option-${i}`;

  const run = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };

  const move = (to: number) => {
    const next = (to + matches.length) % Math.max(1, matches.length);
    setActive(next);
    viewport.current?.querySelector(`#${CSS.escape(optionId(next))}`)?.scrollIntoView({ block: 'nearest' });
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      move(activeIndex + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(activeIndex - 1);
    } else if (e.key === 'Home' && e.ctrlKey) {
      e.preventDefault();
      move(0);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(ordered[activeIndex]);
    }
  };

  // Options grouped under their headings, in the order the best match of each group ranks.
  const sections: { group: string; entries: { c: Command; i: number }[] }[] = [];
  const ordered: Command[] = [];
  for (const c of matches) {
    let section = sections.find((x) => x.group === c.group);
    if (!section) sections.push((section = { group: c.group, entries: [] }));
    section.entries.push({ c, i: -1 });
  }
  for (const section of sections)
    for (const entry of section.entries) {
      entry.i = ordered.length;
      ordered.push(entry.c);
    }

  return (
    <>
      <TextInput
        data-autofocus
        role="combobox"
        aria-label="Command"
        aria-expanded
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={matches.length ? optionId(activeIndex) : undefined}
        placeholder="Type a command: go to Mine, resolve, assign, dark theme…"
        leftSection={<IconCommand size={16} aria-hidden />}
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={handleKeyDown}
        mb="xs"
      />
      <ScrollArea.Autosize mah="50vh" viewportRef={viewport} type="auto">
        <Box id={listId} role="listbox" aria-label="Commands">
          {sections.map((section) => (
            <Box key={section.group} role="group" aria-label={section.group}>
              <Text size="xs" fw={600} c="dimmed" px="sm" pt="xs" pb={2} aria-hidden>
                {section.group}
              </Text>
              {section.entries.map(({ c, i }) => (
                <UnstyledButton
                  key={c.id}
                  component="div"
                  role="option"
                  id={optionId(i)}
                  aria-selected={i === activeIndex}
                  tabIndex={-1}
                  w="100%"
                  px="sm"
                  py={6}
                  style={{
                    borderRadius: 'var(--mantine-radius-sm)',
                    background: i === activeIndex ? 'var(--mantine-primary-color-light)' : undefined,
                  }}
                  onMouseMove={() => i !== activeIndex && setActive(i)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => run(c)}
                >
                  <Group justify="space-between" wrap="nowrap" gap="sm">
                    <Group gap="sm" wrap="nowrap" miw={0}>
                      {c.icon}
                      <Text size="sm" truncate>
                        {c.label}
                      </Text>
                    </Group>
                    {c.hint && <Kbd size="xs">{c.hint}</Kbd>}
                  </Group>
                </UnstyledButton>
              ))}
            </Box>
          ))}
        </Box>
        {matches.length === 0 && (
          <Text size="sm" c="dimmed" p="sm">
            No command matches “{query}”.
          </Text>
        )}
      </ScrollArea.Autosize>
    </>
  );
}
