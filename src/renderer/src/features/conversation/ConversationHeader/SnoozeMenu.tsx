import { Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlarm, IconCalendar, IconMessageReply } from '@tabler/icons-react';
import { useState } from 'react';

/** Props of {@link SnoozeMenu}. */
export interface SnoozeMenuProps {
  /** Snoozes until a time (ISO 8601), or until the customer's next message (null). */
  onSnooze(until: string | null): void;
}

/** The next `hour`:00 on a weekday offset (0 = today, 1 = tomorrow…), local time. */
function at(daysAhead: number, hour: number, now: Date): Date {
  const d = new Date(now);
  d.setDate(d.getDate() + daysAhead);
  d.setHours(hour, 0, 0, 0);
  return d;
}

/** Snooze presets relative to `now`. */
export function snoozePresets(now: Date): Array<{ label: string; until: Date }> {
  const daysToMonday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: 'For 1 hour', until: new Date(now.getTime() + 60 * 60_000) },
    { label: 'For 3 hours', until: new Date(now.getTime() + 3 * 60 * 60_000) },
    { label: 'Until tomorrow, 9:00', until: at(1, 9, now) },
    { label: 'Until Monday, 9:00', until: at(daysToMonday, 9, now) },
  ];
}

/** A `datetime-local` value for a date (local time, minutes). */
function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The snooze choices as menu items: presets, until the customer replies, a custom time. */
export function SnoozeItems({
  now,
  onSnooze,
  onCustom,
}: {
  now: Date;
  onSnooze(until: string | null): void;
  /** "Pick a date and time…": opens {@link SnoozeCustomModal}. */
  onCustom(): void;
}) {
  return (
    <>
      {snoozePresets(now).map((p) => (
        <Menu.Item key={p.label} onClick={() => onSnooze(p.until.toISOString())}>
          {p.label}
        </Menu.Item>
      ))}
      <Menu.Item leftSection={<IconMessageReply size={14} aria-hidden />} onClick={() => onSnooze(null)}>
        Until the customer replies
      </Menu.Item>
      <Menu.Divider />
      <Menu.Item leftSection={<IconCalendar size={14} aria-hidden />} onClick={onCustom}>
        Pick a date and time…
      </Menu.Item>
    </>
  );
}

/** "Snooze until": a date and time in the future, from the menu's last item. */
export function SnoozeCustomModal({
  opened,
  onClose,
  onSnooze,
}: {
  opened: boolean;
  onClose(): void;
  onSnooze(until: string): void;
}) {
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title="Snooze until"
      size="sm"
    >
      {/* Mounted per opening, so each starts from "this time tomorrow" with no error. */}
      {opened && <SnoozeCustomForm onClose={onClose} onSnooze={onSnooze} />}
    </Modal>
  );
}

function SnoozeCustomForm({ onClose, onSnooze }: { onClose(): void; onSnooze(until: string): void }) {
  const [custom, setCustom] = useState(() => toLocalInput(new Date(Date.now() + 24 * 60 * 60_000)));
  const [error, setError] = useState<string | null>(null);
  const submitCustom = () => {
    const when = new Date(custom);
    if (!custom || Number.isNaN(when.getTime())) {
      setError('Pick a date and time');
      return;
    }
    if (when.getTime() <= Date.now()) {
      setError('Pick a time in the future');
      return;
    }
    onClose();
    onSnooze(when.toISOString());
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submitCustom();
      }}
    >
      <Stack>
        <TextInput
          type="datetime-local"
          label="Date and time"
          value={custom}
          onChange={(e) => setCustom(e.currentTarget.value)}
          error={error}
          data-autofocus
        />
        <Text size="xs" c="dimmed">
          The conversation also comes back as soon as the customer writes.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit">Snooze</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** **Snooze**: presets, a custom date and time, or until the customer replies. */
export function SnoozeMenu({ onSnooze }: SnoozeMenuProps) {
  const [isCustomOpen, setCustomOpen] = useState(false);
  const [now, setNow] = useState(() => new Date());
  return (
    <>
      <Menu shadow="md" position="bottom-end" withinPortal onOpen={() => setNow(new Date())}>
        <Menu.Target>
          <Button size="compact-sm" variant="default" leftSection={<IconAlarm size={14} aria-hidden />}>
            Snooze
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <SnoozeItems now={now} onSnooze={onSnooze} onCustom={() => setCustomOpen(true)} />
        </Menu.Dropdown>
      </Menu>
      <SnoozeCustomModal opened={isCustomOpen} onClose={() => setCustomOpen(false)} onSnooze={onSnooze} />
    </>
  );
}
