import { beforeEach, describe, expect, it } from 'vitest';
import { act } from '@testing-library/react';
import { createFakeParley, render, signedInSession, waitFor } from '../../test-utils/render';
import { resetNotificationPreferencesCache, saveNotificationPreferences } from './notification-preferences';
import { useDesktopAttention } from './useDesktopAttention';

function Attention({ unread }: { unread: number }) {
  useDesktopAttention(unread);
  return null;
}

beforeEach(() => {
  window.localStorage.clear();
  resetNotificationPreferencesCache();
});

describe('useDesktopAttention', () => {
  it('sends the opt-in and the unread badge to the shell, and clears the badge on unmount', async () => {
    const parley = createFakeParley({ session: signedInSession });
    const calls = parley['app:setAttention'].mock.calls;
    const { rerender, unmount } = render(<Attention unread={3} />, { parley });
    await waitFor(() => expect(calls).toContainEqual([{ notifications: true }]));
    expect(calls).toContainEqual([{ badgeCount: 3 }]);

    rerender(<Attention unread={5} />);
    await waitFor(() => expect(calls.at(-1)).toEqual([{ badgeCount: 5 }]));

    // Neither Mine nor Unassigned alerts: the shell denies the notification permission.
    act(() => saveNotificationPreferences({ mine: false, unassigned: false }));
    await waitFor(() => expect(calls.at(-1)).toEqual([{ notifications: false }]));
    act(() => saveNotificationPreferences({ mine: true }));
    await waitFor(() => expect(calls.at(-1)).toEqual([{ notifications: true }]));
    act(() => saveNotificationPreferences({ desktop: false }));
    await waitFor(() => expect(calls.at(-1)).toEqual([{ notifications: false }]));

    // The count follows the title-count preference.
    act(() => saveNotificationPreferences({ titleBadge: false }));
    await waitFor(() => expect(calls.at(-1)).toEqual([{ badgeCount: 0 }]));

    act(() => saveNotificationPreferences({ titleBadge: true }));
    await waitFor(() => expect(calls.at(-1)).toEqual([{ badgeCount: 5 }]));
    unmount();
    expect(calls.at(-1)).toEqual([{ badgeCount: 0 }]);
  });
});
