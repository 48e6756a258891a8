import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { conversationFake, ids, makeTemplate } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor, within } from '../../../test-utils/render';
import { TemplatePicker } from './TemplatePicker';

const otherAccount = '0190a1b2-0000-7000-8000-0000000000bb';
const templates = [
  makeTemplate(),
  makeTemplate({
    name: 'appointment_reminder',
    category: 'MARKETING',
    language: 'de',
    parameterFormat: 'NAMED',
    components: [{ type: 'BODY', text: 'Hallo {{first_name}}, bis {{day}}!' }],
  }),
  makeTemplate({ name: 'pending_one', status: 'PENDING' }),
  makeTemplate({ name: 'rejected_one', status: 'REJECTED' }),
  makeTemplate({ name: 'other_number', whatsappAccountId: otherAccount }),
  makeTemplate({
    name: 'new_menu',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Our new menu is here.' },
    ],
  }),
];

function renderPicker(onSent = vi.fn()) {
  const parley = conversationFake({ templates });
  const result = render(
    <TemplatePicker
      opened
      onClose={vi.fn()}
      conversationId={ids.conversation}
      whatsappAccountId={ids.account}
      onSent={onSent}
    />,
    { parley },
  );
  return { ...result, parley, onSent };
}

const names = () =>
  within(screen.getByRole('list', { name: 'Approved templates' }))
    .queryAllByRole('button')
    .map((b) => b.querySelector('p')?.textContent);

describe('TemplatePicker', () => {
  it('lists only approved templates of the conversation’s number', async () => {
    const { parley } = renderPicker();
    expect(await screen.findByRole('dialog', { name: 'Templates' })).toBeInTheDocument();
    await waitFor(() => expect(names()).toEqual(['appointment_reminder', 'new_menu', 'order_update']));
    expect(parley['templates:list']).toHaveBeenCalledWith({ whatsappAccountId: ids.account });
    expect(
      screen.getByText(
        '2 templates of this number are not approved (pending, rejected or paused) and are not shown.',
      ),
    ).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('searches by name, text, category and language', async () => {
    const { user } = renderPicker();
    const search = await screen.findByRole('textbox', { name: 'Search templates' });
    await waitFor(() => expect(names()).toHaveLength(3));
    for (const [q, expected] of [
      ['reminder', ['appointment_reminder']],
      ['ships today', ['order_update']],
      ['marketing', ['appointment_reminder']],
      ['en_us', ['new_menu', 'order_update']],
      ['hallo', ['appointment_reminder']],
      ['menu', ['new_menu']],
    ] as const) {
      await user.clear(search);
      await user.type(search, q);
      expect(names()).toEqual(expected);
    }
    await user.clear(search);
    await user.type(search, 'nothing like it');
    expect(screen.getByText('No template matches “nothing like it”.')).toBeInTheDocument();
  });

  it('validates the form and shows a live preview with the values filled in', async () => {
    const { user, parley, onSent } = renderPicker();
    await user.click(await screen.findByRole('button', { name: /order_update/ }));
    const preview = screen.getByRole('region', { name: 'Preview' });
    expect(within(preview).getByText('Hi {{1}}, your order {{2}} ships today.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(screen.getByText('Fill in the header value')).toBeInTheDocument();
    expect(screen.getAllByText('Fill in this value')).toHaveLength(2);
    expect(screen.getByText('Fill in the end of the link')).toBeInTheDocument();
    expect(parley['messages:send']).not.toHaveBeenCalled();

    await user.type(screen.getByRole('textbox', { name: /Header \{\{1\}\}/ }), '#42');
    await user.type(screen.getByRole('textbox', { name: /Body \{\{1\}\}/ }), 'Grace');
    await user.type(screen.getByRole('textbox', { name: /Body \{\{2\}\}/ }), '#42');
    await user.type(screen.getByRole('textbox', { name: /End of the link for “Track”/ }), '42');
    await user.type(screen.getByRole('textbox', { name: /Payload for “Thanks”/ }), 'thanks-42');
    expect(within(preview).getByText('Order #42')).toBeInTheDocument();
    expect(within(preview).getByText('Hi Grace, your order #42 ships today.')).toBeInTheDocument();
    await expectNoAxeViolations();
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: {
        type: 'template',
        templateName: 'order_update',
        language: 'en_US',
        parameters: {
          header: { type: 'text', text: '#42' },
          body: ['Grace', '#42'],
          buttons: [
            { type: 'quick_reply', index: 0, payload: 'thanks-42' },
            { type: 'url', index: 1, text: '42' },
          ],
        },
      },
    });
    await waitFor(() => expect(onSent).toHaveBeenCalled());
  });

  it('refuses line breaks in body values, as Meta does', async () => {
    const { user } = renderPicker();
    await user.click(await screen.findByRole('button', { name: /appointment_reminder/ }));
    await user.type(
      screen.getByRole('textbox', { name: /Body \{\{first_name\}\}/ }),
      'Gr{Shift>}{Enter}{/Shift}ace',
    );
    await user.type(screen.getByRole('textbox', { name: /Body \{\{day\}\}/ }), 'Monday     morning');
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(
      screen.getByText('WhatsApp refuses line breaks, tabs or more than four spaces in a row here'),
    ).toBeInTheDocument();
  });

  it('sends named parameters', async () => {
    const { user, parley } = renderPicker();
    await user.click(await screen.findByRole('button', { name: /appointment_reminder/ }));
    await user.type(screen.getByRole('textbox', { name: /Body \{\{first_name\}\}/ }), 'Grace');
    await user.type(screen.getByRole('textbox', { name: /Body \{\{day\}\}/ }), 'Montag');
    expect(
      within(screen.getByRole('region', { name: 'Preview' })).getByText('Hallo Grace, bis Montag!'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: {
        type: 'template',
        templateName: 'appointment_reminder',
        language: 'de',
        parameters: { body: { first_name: 'Grace', day: 'Montag' } },
      },
    });
  });

  it('a media header needs a file of the right type, staged on this device', async () => {
    const { user, parley } = renderPicker();
    await user.click(await screen.findByRole('button', { name: /new_menu/ }));
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(screen.getByText('Choose the image for the header')).toBeInTheDocument();
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    // Dragging a PDF past the picker's filter (accept) is still refused.
    await userEvent
      .setup({ applyAccept: false })
      .upload(input, new File(['%PDF'], 'menu.pdf', { type: 'application/pdf' }));
    expect(await screen.findByText("This template's header needs an image.")).toBeInTheDocument();
    await user.upload(input, new File(['png'], 'menu.png', { type: 'image/png' }));
    expect(await screen.findByText('menu.png')).toBeInTheDocument();
    expect(parley['media:stage']).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'menu.png', mimeType: 'image/png' }),
    );
    await user.click(screen.getByRole('button', { name: 'Send template' }));
    expect(parley['messages:send']).toHaveBeenCalledWith({
      conversationId: ids.conversation,
      message: expect.objectContaining({
        templateName: 'new_menu',
        parameters: { header: { type: 'image', mediaId: expect.any(String) } },
      }),
    });
  });
});
