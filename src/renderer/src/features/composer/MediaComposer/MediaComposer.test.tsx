import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { err } from '#contract/result';
import { BRIDGE_FAILURE_MESSAGE } from '../../../api/parley-client';
import { conversationFake, ids } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen, waitFor, within } from '../../../test-utils/render';
import { MediaComposer } from './MediaComposer';
import { useMediaDraft } from './useMediaDraft';

const MB = 1024 * 1024;

/** A File of `size` bytes without allocating them all (jsdom reads Blob parts lazily enough). */
function fileOf(name: string, type: string, size: number): File {
  const f = new File(['x'.repeat(Math.min(size, 64))], name, { type });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

function Harness({ files }: { files: File[] }) {
  const draft = useMediaDraft();
  return (
    <>
      <button type="button" onClick={() => draft.add(files)}>
        add
      </button>
      <MediaComposer
        opened={draft.items.length > 0}
        draft={draft}
        conversationId={ids.conversation}
        onSent={() => undefined}
        onClose={draft.clear}
      />
    </>
  );
}

describe('MediaComposer', () => {
  it('previews each file, checks WhatsApp limits with a sentence per refused file', async () => {
    const parley = conversationFake();
    const { user } = render(
      <Harness
        files={[
          fileOf('cake.jpg', 'image/jpeg', 400_000),
          fileOf('huge.png', 'image/png', 6 * MB),
          fileOf('menu.pdf', 'application/pdf', 2 * MB),
          fileOf('song.flac', 'audio/flac', MB),
          fileOf('clip.mp4', 'video/mp4', 3 * MB),
        ]}
      />,
      { parley },
    );
    await user.click(screen.getByRole('button', { name: 'add' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send files' });
    const list = within(dialog).getByRole('list', { name: 'Files to send' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(5);
    expect(within(dialog).getByRole('img', { name: 'Preview of cake.jpg' })).toHaveAttribute(
      'src',
      expect.stringMatching(/^blob:/),
    );
    expect(within(dialog).getByText('Document · 2 MB')).toBeInTheDocument();
    const alerts = within(dialog)
      .getAllByRole('alert')
      .map((a) => a.textContent);
    expect(alerts).toEqual([
      'huge.png is 6 MB; WhatsApp allows images up to 5 MB.',
      expect.stringMatching(/^song\.flac: WhatsApp doesn't accept this type of file \(audio\/flac\)\./),
    ]);
    expect(within(dialog).getByRole('button', { name: 'Send 3 files' })).toBeEnabled();
    await expectNoAxeViolations();
  });

  it('limits captions to 1024 characters', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness files={[fileOf('cake.jpg', 'image/jpeg', 1000)]} />, { parley });
    await user.click(screen.getByRole('button', { name: 'add' }));
    const caption = await screen.findByRole('textbox', { name: 'Caption for cake.jpg' });
    await user.click(caption);
    await user.paste('c'.repeat(1025));
    expect(screen.getByText('Captions are limited to 1024 characters (1025 now)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send 1 file' })).toBeDisabled();
  });

  it('stages each file on this device, then queues one message each with its caption', async () => {
    const parley = conversationFake();
    const { user } = render(
      <Harness
        files={[fileOf('cake.jpg', 'image/jpeg', 1000), fileOf('menu.pdf', 'application/pdf', 2000)]}
      />,
      { parley },
    );
    await user.click(screen.getByRole('button', { name: 'add' }));
    await user.type(await screen.findByRole('textbox', { name: 'Caption for cake.jpg' }), 'Your *cake*');
    await user.click(screen.getByRole('button', { name: 'Send 2 files' }));
    await waitFor(() => expect(parley['messages:send']).toHaveBeenCalledTimes(2));
    expect(parley['media:stage']).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'cake.jpg', mimeType: 'image/jpeg', bytes: expect.any(Uint8Array) }),
    );
    const [first, second] = parley['messages:send'].mock.calls.map((c) => c[0]);
    expect(first).toEqual({
      conversationId: ids.conversation,
      message: { type: 'image', mediaId: expect.any(String), caption: 'Your *cake*' },
    });
    expect(second).toEqual({
      conversationId: ids.conversation,
      message: { type: 'document', mediaId: expect.any(String), fileName: 'menu.pdf' },
    });
    // Queued: the dialog says so and draws each file's upload from the core's media:progress.
    const dialog = await screen.findByRole('dialog', { name: 'Sending 2 files…' });
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(2);
    expect(within(dialog).getAllByText('Waiting to upload…')).toHaveLength(2);
    const [idA, idB] = parley['messages:send'].mock.calls.map(
      (c) => (c[0].message as { mediaId: string }).mediaId,
    );
    act(() =>
      parley.emit('media:progress', { mediaId: idA!, sentBytes: 400, totalBytes: 1000, state: 'uploading' }),
    );
    expect(within(dialog).getByText('Uploading… 40%')).toBeInTheDocument();
    expect(within(dialog).getByRole('progressbar', { name: 'Upload of cake.jpg' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );
    act(() =>
      parley.emit('media:progress', { mediaId: idA!, sentBytes: 1000, totalBytes: 1000, state: 'done' }),
    );
    expect(within(dialog).getByText('Sent to the server')).toBeInTheDocument();
    act(() =>
      parley.emit('media:progress', { mediaId: idB!, sentBytes: 2000, totalBytes: 2000, state: 'done' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('Hide leaves the uploads running and closes the dialog', async () => {
    const parley = conversationFake();
    const { user } = render(<Harness files={[fileOf('cake.jpg', 'image/jpeg', 1000)]} />, { parley });
    await user.click(screen.getByRole('button', { name: 'add' }));
    await user.click(await screen.findByRole('button', { name: 'Send 1 file' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sending 1 file…' });
    expect(within(dialog).queryByRole('button', { name: /^Send/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Hide' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('keeps a file that could not be staged, with the reason', async () => {
    const parley = conversationFake();
    parley['media:stage'].mockResolvedValue(err({ code: 'payload_too_large', message: 'The disk is full.' }));
    const { user } = render(<Harness files={[fileOf('cake.jpg', 'image/jpeg', 1000)]} />, { parley });
    await user.click(screen.getByRole('button', { name: 'add' }));
    await user.click(await screen.findByRole('button', { name: 'Send 1 file' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The disk is full.');
    expect(parley['messages:send']).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Send files' })).toBeInTheDocument();
  });

  it('says when the background service cannot be reached', async () => {
    const parley = conversationFake();
    delete (parley as Partial<typeof parley>)['media:stage'];
    const { user } = render(<Harness files={[fileOf('cake.jpg', 'image/jpeg', 1000)]} />, { parley });
    await user.click(screen.getByRole('button', { name: 'add' }));
    await user.click(await screen.findByRole('button', { name: 'Send 1 file' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(BRIDGE_FAILURE_MESSAGE);
  });

  it('removes a file', async () => {
    const parley = conversationFake();
    const { user } = render(
      <Harness files={[fileOf('a.jpg', 'image/jpeg', 10), fileOf('b.jpg', 'image/jpeg', 10)]} />,
      { parley },
    );
    await user.click(screen.getByRole('button', { name: 'add' }));
    await user.click(await screen.findByRole('button', { name: 'Remove a.jpg' }));
    expect(screen.queryByText('a.jpg')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send 1 file' })).toBeInTheDocument();
  });
});
