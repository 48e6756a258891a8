import { Group, Kbd, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { memo, Fragment } from 'react';
import { isMacPlatform, modKeyLabel, SHORTCUTS, type ShortcutDef } from '../keyboard-map';

/** Props of {@link ShortcutsDialog}. */
export interface ShortcutsDialogProps {
  opened: boolean;
  onClose(): void;
}

const GROUPS: ShortcutDef['group'][] = ['Conversation list', 'Conversation', 'Anywhere'];

/** The "Keyboard shortcuts" help (`?`): every shortcut of the keyboard map, by group. */
export const ShortcutsDialog = memo(function ShortcutsDialog({ opened, onClose }: ShortcutsDialogProps) {
  const mod = modKeyLabel(isMacPlatform());
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': 'Close' }}
      title="Keyboard shortcuts"
      size="lg"
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Single-key shortcuts work when you are not typing in a text field.
        </Text>
        {GROUPS.map((group) => (
          <Stack key={group} gap={4}>
            <Title order={3} size="h6">
              {group}
            </Title>
            <Table withRowBorders={false} verticalSpacing={4}>
              <Table.Tbody>
                {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{s.description}</Table.Td>
                    <Table.Td ta="right">
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        {s.keys.map((combo, i) => (
                          <Fragment key={i}>
                            {i > 0 && (
                              <Text span size="xs" c="dimmed">
                                or
                              </Text>
                            )}
                            <span>
                              {combo.map((k, j) => (
                                <Fragment key={k}>
                                  {j > 0 && ' + '}
                                  <Kbd size="sm">{k === 'Mod' ? mod : k}</Kbd>
                                </Fragment>
                              ))}
                            </span>
                          </Fragment>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        ))}
      </Stack>
    </Modal>
  );
});
