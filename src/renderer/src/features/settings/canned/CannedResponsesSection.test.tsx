import { describe, expect, it } from 'vitest';
import type { CannedResponse } from '#contract/api/canned-responses';
import { ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  within,
} from '../../../test-utils/render';
import { userAs } from '../../../test-utils/settings-fixtures';
import { CannedResponsesSection } from './CannedResponsesSection';

const base = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const greet: CannedResponse = {
  ...base,
  id: '0190a1b2-0000-7000-8000-0000000000f1',
  scope: 'organization',
  ownerId: null,
  shortcut: 'greet',
  title: 'Greeting',
  body: 'Hello {{contact.name}}',
};
const mine: CannedResponse = {
  ...base,
  id: '0190a1b2-0000-7000-8000-0000000000f2',
  scope: 'personal',
  ownerId: signedInSession.user.id,
  shortcut: 'sig',
  title: 'Signature',
  body: 'Best, Ada',
};

const setup = (role: 'admin' | 'manager' | 'agent', online = true) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['cannedResponses:list'].mockResolvedValue(ok([greet, mine]));
  return render(<CannedResponsesSection user={userAs(role)} online={online} />, { parley });
};

describe('CannedResponsesSection', () => {
  it("lets managers create the organization's responses, and edit and delete them", async () => {
    const { user, parley } = setup('manager');
    const orgList = await screen.findByRole('region', { name: 'Organization canned responses' });
    expect(within(orgList).getByRole('article', { name: 'Canned response /greet' })).toBeInTheDocument();
    await expectNoAxeViolations();
    parley['admin:createCannedResponse'].mockResolvedValue(ok({ ...greet, shortcut: 'bye' }));
    const form = screen.getByRole('form', { name: 'Create a canned response' });
    await user.type(within(form).getByRole('textbox', { name: /Shortcut/ }), 'Bye');
    await user.type(within(form).getByRole('textbox', { name: /Title/ }), 'Goodbye');
    await user.type(within(form).getByRole('textbox', { name: /Response/ }), 'Bye {{{{contact.name}}');
    await user.click(within(form).getByRole('button', { name: 'Create response' }));
    expect(parley['admin:createCannedResponse']).toHaveBeenCalledWith({
      scope: 'organization',
      shortcut: 'bye',
      title: 'Goodbye',
      body: 'Bye {{contact.name}}',
    });
    await user.click(within(orgList).getByRole('button', { name: 'Delete /greet' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete /greet?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete response' }));
    expect(parley['admin:deleteCannedResponse']).toHaveBeenCalledWith({ id: greet.id });
  });

  it("lets agents write only their own: no scope choice, no controls on the organization's", async () => {
    const { user, parley } = setup('agent');
    const orgList = await screen.findByRole('region', { name: 'Organization canned responses' });
    expect(within(orgList).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Who can use it' })).not.toBeInTheDocument();
    const own = screen.getByRole('region', { name: 'Only mine canned responses' });
    expect(within(own).getByRole('button', { name: 'Edit /sig' })).toBeInTheDocument();
    parley['admin:createCannedResponse'].mockResolvedValue(ok(mine));
    const form = screen.getByRole('form', { name: 'Create a canned response' });
    await user.type(within(form).getByRole('textbox', { name: /Shortcut/ }), 'later');
    await user.type(within(form).getByRole('textbox', { name: /Title/ }), 'Later');
    await user.type(within(form).getByRole('textbox', { name: /Response/ }), 'Talk later');
    await user.click(within(form).getByRole('button', { name: 'Create response' }));
    expect(parley['admin:createCannedResponse']).toHaveBeenCalledWith({
      scope: 'personal',
      shortcut: 'later',
      title: 'Later',
      body: 'Talk later',
    });
  });

  it('works offline: says where changes go, and keeps create, edit and delete', async () => {
    const { user, parley } = setup('manager', false);
    const note = await screen.findByText(
      'Changes are kept on this device and reach the server when Parley reconnects.',
    );
    expect(note.closest('[role="status"]')).toHaveTextContent('You are offline');
    await expectNoAxeViolations();
    const own = screen.getByRole('region', { name: 'Only mine canned responses' });
    parley['admin:updateCannedResponse'].mockResolvedValue(ok({ ...mine, title: 'Sign-off' }));
    await user.click(within(own).getByRole('button', { name: 'Edit /sig' }));
    const edit = screen.getByRole('form', { name: 'Edit /sig' });
    await user.clear(within(edit).getByRole('textbox', { name: /Title/ }));
    await user.type(within(edit).getByRole('textbox', { name: /Title/ }), 'Sign-off');
    await user.click(within(edit).getByRole('button', { name: 'Save response' }));
    expect(parley['admin:updateCannedResponse']).toHaveBeenCalledWith({
      id: mine.id,
      patch: { shortcut: 'sig', title: 'Sign-off', body: 'Best, Ada' },
    });
    const orgList = screen.getByRole('region', { name: 'Organization canned responses' });
    expect(within(orgList).getByRole('button', { name: 'Delete /greet' })).toBeInTheDocument();
    expect(screen.getByRole('form', { name: 'Create a canned response' })).toBeInTheDocument();
  });
});
