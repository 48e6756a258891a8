import './jsdom-shims';
import '@testing-library/jest-dom/vitest';
import { notifications } from '@mantine/notifications';
import { cleanup, render as rtlRender, type RenderOptions, type RenderResult } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { AppProviders } from '../app/AppProviders';
import { createFakeParley, type FakeParley } from './fake-parley';

// Vitest runs without globals here, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  // Toasts live in a module-level store: start every test without the last one's.
  notifications.clean();
  document.documentElement.removeAttribute('data-mantine-color-scheme');
});

/** What {@link render} returns: Testing Library's result plus the fake API and a user. */
export interface ParleyRenderResult extends RenderResult {
  parley: FakeParley;
  user: UserEvent;
}

/** Options of {@link render}. */
export interface ParleyRenderOptions extends Omit<RenderOptions, 'wrapper'> {
  /** The fake `window.parley`; a default signed-out one if omitted. */
  parley?: FakeParley;
}

/**
 * The one way renderer tests render: inside Parley's providers (Mantine in test mode, the
 * theme, and the API context fed by a fake ParleyApi).
 */
export function render(ui: ReactElement, options: ParleyRenderOptions = {}): ParleyRenderResult {
  const { parley = createFakeParley(), ...rest } = options;
  const user = userEvent.setup();
  const result = rtlRender(ui, {
    ...rest,
    wrapper: ({ children }) => (
      <AppProviders api={parley} env="test">
        {children}
      </AppProviders>
    ),
  });
  return { ...result, parley, user };
}

export { createFakeParley, signedInSession, signedOutSession, testAppInfo } from './fake-parley';
export type { FakeParley } from './fake-parley';
export { expectNoAxeViolations } from './axe';
export { screen, waitFor, within } from '@testing-library/react';
