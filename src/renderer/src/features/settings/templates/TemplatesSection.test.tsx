import { describe, expect, it } from 'vitest';
import type { Template } from '#contract/api/templates';
import { err, ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  within,
} from '../../../test-utils/render';
import { supportNumber, userAs } from '../../../test-utils/settings-fixtures';
import { TemplatesSection } from './TemplatesSection';

const tpl = (over: Partial<Template>): Template => ({
  id: '0190a1b2-0000-7000-8000-0000000000e1',
  whatsappAccountId: supportNumber.id,
  metaTemplateId: '111',
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  parameterFormat: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Your order' },
    { type: 'BODY', text: 'Hi {{1}}, your order ships *today*.' },
    { type: 'FOOTER', text: 'Acme Bakery' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
  ],
  statusReason: null,
  updatedAt: '2026-03-01T10:00:00.000Z',
  ...over,
});
const approved = tpl({});
const rejected = tpl({
  id: '0190a1b2-0000-7000-8000-0000000000e2',
  name: 'big_sale',
  category: 'MARKETING',
  status: 'REJECTED',
  statusReason: 'INCORRECT_CATEGORY',
});

const setup = (role: 'admin' | 'manager', online = true) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['templates:list'].mockResolvedValue(ok([approved, rejected]));
  parley['admin:listNumbers'].mockResolvedValue(ok([supportNumber]));
  return render(<TemplatesSection user={userAs(role)} online={online} />, { parley });
};

describe('TemplatesSection', () => {
  it('lists templates with status, filters them, and shows one as the customer sees it with Meta’s reason', async () => {
    const { user } = setup('admin');
    const table = await screen.findByRole('table', { name: 'Templates' });
    expect(within(table).getByText('Approved')).toBeInTheDocument();
    expect(within(table).getByText('Rejected')).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.type(screen.getByRole('textbox', { name: 'Search templates' }), 'sale');
    expect(within(table).queryByText('order_update')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open template big_sale (en_US)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Template big_sale' });
    expect(within(dialog).getByText(/category does not match the content/)).toBeInTheDocument();
    expect(
      within(dialog).getByRole('group', { name: 'How big_sale looks to the customer' }),
    ).toHaveTextContent('Hi {{1}}, your order ships today.');
  });

  it('deletes after confirmation, saying what happens', async () => {
    const { user, parley } = setup('admin');
    await user.click(await screen.findByRole('button', { name: 'Open template order_update (en_US)' }));
    await user.click(await screen.findByRole('button', { name: 'Delete template' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete template order_update?' });
    expect(confirm).toHaveTextContent('can no longer be sent');
    await user.click(within(confirm).getByRole('button', { name: 'Delete template' }));
    expect(parley['admin:deleteTemplate']).toHaveBeenCalledWith({ id: approved.id });
  });

  it('creates a template: the shared schema speaks first, then the server’s answer lands on its field', async () => {
    const { user, parley } = setup('admin');
    await user.click(await screen.findByRole('button', { name: 'Create template' }));
    const form = await screen.findByRole('form', { name: 'Create a template' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Order Update');
    await user.type(within(form).getByRole('textbox', { name: 'Body' }), 'Hi {{{{1}}, it ships soon.');
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(await within(form).findByText(/lowercase letters, digits and underscores/)).toBeInTheDocument();
    expect(within(form).getByText(/example for each of the body’s 1 variable/)).toBeInTheDocument();
    expect(parley['admin:createTemplate']).not.toHaveBeenCalled();

    const name = within(form).getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'order_ready');
    await user.type(within(form).getByRole('textbox', { name: 'Example for {{1}}' }), 'Ana');
    expect(within(form).getByRole('group', { name: 'Preview of the template' })).toHaveTextContent(
      'Hi Ana, it ships soon.',
    );
    parley['admin:createTemplate'].mockResolvedValueOnce(
      err({
        code: 'conflict',
        message: 'Meta already has a template named order_ready in en_US. Choose another name or language.',
      }),
    );
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(parley['admin:createTemplate']).toHaveBeenCalledWith({
      whatsappAccountId: supportNumber.id,
      name: 'order_ready',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      body: { text: 'Hi {{1}}, it ships soon.', examples: ['Ana'] },
      buttons: [],
    });
    expect(await within(form).findByText(/already has a template named order_ready/)).toBeInTheDocument();
    // Typing a whole form is slow on a loaded machine.
  }, 90_000);

  it('edits an approved template: number, name, language and category kept, examples given again', async () => {
    const { user, parley } = setup('admin');
    await user.click(await screen.findByRole('button', { name: 'Open template order_update (en_US)' }));
    await user.click(await screen.findByRole('button', { name: 'Edit template' }));
    const form = await screen.findByRole('form', { name: 'Edit template order_update' });
    expect(within(form).getByRole('textbox', { name: 'Name' })).toBeDisabled();
    expect(within(form).getByRole('combobox', { name: 'Category' })).toBeDisabled();
    expect(within(form).getByRole('textbox', { name: 'Body' })).toHaveValue(
      'Hi {{1}}, your order ships *today*.',
    );
    await user.type(within(form).getByRole('textbox', { name: 'Example for {{1}}' }), 'Ana');
    parley['admin:editTemplate'].mockResolvedValueOnce(ok({ ...approved, status: 'PENDING' }));
    await user.click(within(form).getByRole('button', { name: 'Submit changes for review' }));
    expect(parley['admin:editTemplate']).toHaveBeenCalledWith({
      id: approved.id,
      body: {
        category: 'UTILITY',
        parameterFormat: 'POSITIONAL',
        header: { format: 'TEXT', text: 'Your order' },
        body: { text: 'Hi {{1}}, your order ships *today*.', examples: ['Ana'] },
        footer: { text: 'Acme Bakery' },
        buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }],
      },
    });
    expect(await screen.findByText(/Submitted the changes to order_update/)).toBeInTheDocument();
  }, 60_000);

  it('creates an authentication template from its options, with Meta’s text in the preview', async () => {
    const { user, parley } = setup('admin');
    await user.click(await screen.findByRole('button', { name: 'Create template' }));
    const form = await screen.findByRole('form', { name: 'Create a template' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'login_code');
    await user.click(within(form).getByRole('combobox', { name: 'Category' }));
    await user.click(await screen.findByRole('option', { name: 'Authentication (one-time code)' }));
    expect(within(form).queryByRole('textbox', { name: 'Body' })).not.toBeInTheDocument();
    await user.type(within(form).getByRole('textbox', { name: /Code expires after/ }), '10');
    expect(within(form).getByRole('group', { name: 'Preview of the template' })).toHaveTextContent(
      '123456 is your verification code. For your security, do not share this code.This code expires in 10 minutes.',
    );
    parley['admin:createTemplate'].mockResolvedValueOnce(ok({ ...approved, name: 'login_code' }));
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(parley['admin:createTemplate']).toHaveBeenCalledWith({
      whatsappAccountId: supportNumber.id,
      name: 'login_code',
      language: 'en_US',
      category: 'AUTHENTICATION',
      parameterFormat: 'POSITIONAL',
      buttons: [],
      authentication: { addSecurityRecommendation: true, codeExpirationMinutes: 10 },
    });
  }, 60_000);

  it('creates an IMAGE-header template with the sample file uploaded to Meta, not a typed handle', async () => {
    const { user, parley } = setup('admin');
    await user.click(await screen.findByRole('button', { name: 'Create template' }));
    const form = await screen.findByRole('form', { name: 'Create a template' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'new_menu');
    await user.type(within(form).getByRole('textbox', { name: 'Body' }), 'Our new menu is here.');
    await user.click(within(form).getByRole('combobox', { name: 'Header' }));
    await user.click(await screen.findByRole('option', { name: 'Image' }));
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(await within(form).findByText('Choose a sample file for Meta to review')).toBeInTheDocument();
    expect(parley['admin:createTemplate']).not.toHaveBeenCalled();

    parley['admin:uploadTemplateMedia'].mockResolvedValueOnce(ok({ handle: '4::first' }));
    const input = form.querySelector<HTMLInputElement>('input[type="file"]')!;
    await user.upload(input, new File(['jpeg'], 'menu.jpg', { type: 'image/jpeg' }));
    expect(await within(form).findByText('Uploaded menu.jpg')).toBeInTheDocument();
    // Another format drops the image's handle: a video header needs its own sample.
    await user.click(within(form).getByRole('combobox', { name: 'Header' }));
    await user.click(await screen.findByRole('option', { name: 'Video' }));
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(await within(form).findByText('Choose a sample file for Meta to review')).toBeInTheDocument();
    expect(parley['admin:createTemplate']).not.toHaveBeenCalled();
    await user.click(within(form).getByRole('combobox', { name: 'Header' }));
    await user.click(await screen.findByRole('option', { name: 'Image' }));
    parley['admin:uploadTemplateMedia'].mockResolvedValueOnce(ok({ handle: '4::menu' }));
    await user.upload(
      form.querySelector<HTMLInputElement>('input[type="file"]')!,
      new File(['jpeg'], 'menu.jpg', { type: 'image/jpeg' }),
    );
    expect(await within(form).findByText('Uploaded menu.jpg')).toBeInTheDocument();
    parley['admin:createTemplate'].mockResolvedValueOnce(ok({ ...approved, name: 'new_menu' }));
    await user.click(within(form).getByRole('button', { name: 'Submit for review' }));
    expect(parley['admin:uploadTemplateMedia']).toHaveBeenCalledWith(
      expect.objectContaining({
        whatsappAccountId: supportNumber.id,
        fileName: 'menu.jpg',
        mimeType: 'image/jpeg',
      }),
    );
    expect(parley['admin:createTemplate']).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'new_menu', header: { format: 'IMAGE', example: '4::menu' } }),
    );
  }, 60_000);

  it('lets managers read only, and says what needs a connection when offline', async () => {
    setup('manager');
    await screen.findByRole('table', { name: 'Templates' });
    expect(screen.queryByRole('button', { name: 'Create template' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sync templates' })).not.toBeInTheDocument();
  });

  it('keeps the list offline and disables what needs the server', async () => {
    setup('admin', false);
    await screen.findByRole('table', { name: 'Templates' });
    expect(screen.getByRole('button', { name: 'Create template' })).toBeDisabled();
    expect(screen.getByText(/Connect to create, delete or sync templates/)).toBeInTheDocument();
  });
});
