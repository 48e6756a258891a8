import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import {
  IconAlarm,
  IconCircleCheck,
  IconDots,
  IconRotateClockwise,
  IconStar,
  IconStarOff,
  IconTag,
} from '@tabler/icons-react';
import { useState } from 'react';
import type { InboxConversation } from '#contract/ipc/contract';
import type { ConversationActions } from '../useConversationActions';
import { AssignItems, assignmentLabel, type AssignControlProps } from './AssignControl';
import { LabelsDialog } from './LabelsEditor';
import { SnoozeCustomModal, SnoozeItems } from './SnoozeMenu';

/** Which header controls have no room and live in the "More actions" menu instead. */
export interface HeaderFit {
  labels: boolean;
  important: boolean;
  snooze: boolean;
  /** "Unassigned" / "Assigned to …" beside the Assign button. */
  assignText: boolean;
  assign: boolean;
  status: boolean;
  /** How much of the reply-window chip shows. */
  chip: 'full' | 'short' | 'icon';
}

/**
 * The steps a narrowing header takes, least needed first: labels, Important, Snooze, who has
 * it, the window chip's sentence, Assign, Resolve, the chip's time. The contact's name, the
 * menu and the contact-details toggle always stay.
 */
export const HEADER_FIT_STEPS = 8;

/** The controls moved at `level` (0 = none, {@link HEADER_FIT_STEPS} = all that can). */
export function headerFit(level: number): HeaderFit {
  return {
    labels: level >= 1,
    important: level >= 2,
    snooze: level >= 3,
    assignText: level >= 4,
    assign: level >= 6,
    status: level >= 7,
    chip: level >= 8 ? 'icon' : level >= 5 ? 'short' : 'full',
  };
}

/** Props of {@link HeaderMoreMenu}. */
export interface HeaderMoreMenuProps {
  conversation: InboxConversation;
  fit: HeaderFit;
  assign: AssignControlProps;
  actions: ConversationActions;
}

/**
 * "More actions": the header controls that do not fit, as menu items (keyboard: Enter or
 * Space opens it, arrows move, ArrowRight opens a submenu). Labels open in a dialog here.
 */
export function HeaderMoreMenu({ conversation: c, fit, assign, actions }: HeaderMoreMenuProps) {
  const [now, setNow] = useState(() => new Date());
  const [isLabelsOpen, setLabelsOpen] = useState(false);
  const [isSnoozeCustomOpen, setSnoozeCustomOpen] = useState(false);
  const snooze = (until: string | null) => void actions.setStatus('snoozed', until);
  const isClosedStatus = c.status === 'resolved' || c.status === 'snoozed';
  return (
    <>
      <Menu shadow="md" position="bottom-end" withinPortal onOpen={() => setNow(new Date())}>
        {/* Tooltip around the target (Mantine's pattern for a tooltip on a menu's button). */}
        <Tooltip label="More actions" withArrow>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label="More actions" style={{ flex: 'none' }}>
              <IconDots size={16} aria-hidden />
            </ActionIcon>
          </Menu.Target>
        </Tooltip>
        <Menu.Dropdown>
          {fit.assignText && (
            // A group, because a menu may hold only items and groups (axe: aria-required-children).
            <div role="group" aria-label="Assignment">
              <Menu.Label>
                {assignmentLabel(
                  assign.assigneeId,
                  assign.teamId,
                  assign.members,
                  assign.teams,
                  assign.myUserId,
                )}
              </Menu.Label>
            </div>
          )}
          {fit.assign && <AssignItems {...assign} />}
          {fit.status &&
            (isClosedStatus ? (
              <Menu.Item
                leftSection={<IconRotateClockwise size={14} aria-hidden />}
                onClick={() => void actions.setStatus('open')}
              >
                Reopen
              </Menu.Item>
            ) : (
              <Menu.Item
                leftSection={<IconCircleCheck size={14} aria-hidden />}
                onClick={() => void actions.setStatus('resolved')}
              >
                Resolve
              </Menu.Item>
            ))}
          {fit.snooze && c.status !== 'resolved' && (
            <Menu.Sub position="left-start">
              <Menu.Sub.Target>
                <Menu.Sub.Item leftSection={<IconAlarm size={14} aria-hidden />}>Snooze</Menu.Sub.Item>
              </Menu.Sub.Target>
              <Menu.Sub.Dropdown>
                <SnoozeItems now={now} onSnooze={snooze} onCustom={() => setSnoozeCustomOpen(true)} />
              </Menu.Sub.Dropdown>
            </Menu.Sub>
          )}
          {fit.important && (
            <Menu.Item
              leftSection={
                c.important ? <IconStarOff size={14} aria-hidden /> : <IconStar size={14} aria-hidden />
              }
              onClick={() => void actions.setImportant(!c.important)}
            >
              {c.important ? 'Remove the important mark' : 'Mark important'}
            </Menu.Item>
          )}
          {fit.labels && (
            <Menu.Item leftSection={<IconTag size={14} aria-hidden />} onClick={() => setLabelsOpen(true)}>
              {c.labels.length > 0 ? `Labels (${c.labels.length})…` : 'Labels…'}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <LabelsDialog
        opened={isLabelsOpen}
        onClose={() => setLabelsOpen(false)}
        labels={c.labels}
        onChange={(labels) => void actions.setLabels(labels)}
      />
      <SnoozeCustomModal
        opened={isSnoozeCustomOpen}
        onClose={() => setSnoozeCustomOpen(false)}
        onSnooze={snooze}
      />
    </>
  );
}
