import userEvent from '@testing-library/user-event';
import { act, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { err, ok } from '#contract/result';
import { createFakeParley, expectNoAxeViolations, render, screen } from '../../../../test-utils/render';
import { HeaderSampleField } from './HeaderSampleField';

const account = '0190a1b2-0000-7000-8000-0000000000a1';

/** The field in a form that keeps the handle, shown so the test sees what the form would submit. */
function Harness({ format = 'IMAGE' as const }: { format?: 'IMAGE' | 'VIDEO' | 'DOCUMENT' }) {
  const [handle, setHandle] = useState('');
  return (
    <>
      <HeaderSampleField accountId={account} format={format} handle={handle} onUploaded={setHandle} />
      <output aria-label="Handle">{handle}</output>
    </>
  );
}

const fileInput = () => document.querySelector<HTMLInputElement>('input[type="file"]')!;

describe('HeaderSampleField', () => {
  it('uploads the picked image through the core and fills the handle, saying it is uploaded', async () => {
    const parley = createFakeParley();
    parley['admin:uploadTemplateMedia'].mockResolvedValueOnce(ok({ handle: '4::abc' }));
    const { user, container } = render(<Harness />, { parley });
    expect(screen.getByRole('button', { name: 'Header sample file' })).toBeInTheDocument();
    expect(fileInput().accept).toBe('image/jpeg,image/png');
    await user.upload(fileInput(), new File(['png bytes'], 'header.png', { type: 'image/png' }));
    expect(await screen.findByText('Uploaded header.png')).toBeInTheDocument();
    expect(screen.getByLabelText('Handle')).toHaveTextContent('4::abc');
    const input = parley['admin:uploadTemplateMedia'].mock.calls[0]![0] as { bytes: Uint8Array };
    expect(parley['admin:uploadTemplateMedia']).toHaveBeenCalledWith({
      uploadId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      whatsappAccountId: account,
      fileName: 'header.png',
      mimeType: 'image/png',
      bytes: expect.any(Uint8Array),
    });
    expect(new TextDecoder().decode(input.bytes)).toBe('png bytes');
    await expectNoAxeViolations(container);
  });

  it('refuses a file of the wrong type before uploading, and says Meta’s refusal in words', async () => {
    const parley = createFakeParley();
    parley['admin:uploadTemplateMedia'].mockResolvedValueOnce(
      err({ code: 'unprocessable', message: 'Meta refused the file: The file type is not supported.' }),
    );
    render(<Harness format="DOCUMENT" />, { parley });
    await userEvent
      .setup({ applyAccept: false })
      .upload(fileInput(), new File(['gif'], 'a.gif', { type: 'image/gif' }));
    expect(await screen.findByText('This header takes a PDF up to 100 MB.')).toBeInTheDocument();
    expect(parley['admin:uploadTemplateMedia']).not.toHaveBeenCalled();
    await userEvent.setup().upload(fileInput(), new File(['%PDF'], 'menu.pdf', { type: 'application/pdf' }));
    expect(await screen.findByText(/The file type is not supported/)).toBeInTheDocument();
    expect(screen.getByLabelText('Handle')).toHaveTextContent('');
  });

  it('draws the bytes sent from the core’s progress on a determinate bar, and cancels', async () => {
    const parley = createFakeParley();
    let finish: (v: Awaited<ReturnType<(typeof parley)['admin:uploadTemplateMedia']>>) => void = () => {};
    parley['admin:uploadTemplateMedia'].mockImplementationOnce(
      () => new Promise((resolve) => (finish = resolve)),
    );
    parley['admin:cancelTemplateMedia'].mockImplementationOnce(async () => {
      finish(err({ code: 'cancelled', message: 'The upload was cancelled.' }));
      return ok({ cancelled: true });
    });
    const { user, container } = render(<Harness format="DOCUMENT" />, { parley });
    const pdf = new File([new Uint8Array(4 * 1024 * 1024)], 'terms.pdf', { type: 'application/pdf' });
    await user.upload(fileInput(), pdf);
    await waitFor(() => expect(parley['admin:uploadTemplateMedia']).toHaveBeenCalled());
    const { uploadId } = parley['admin:uploadTemplateMedia'].mock.calls[0]![0] as { uploadId: string };
    const bar = await screen.findByRole('progressbar', { name: 'Uploading terms.pdf to Meta' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');
    // Another upload's progress is not this one's.
    act(() =>
      parley.emit('templateMedia:progress', {
        uploadId: '0190a1b2-0000-7000-8000-0000000000ff',
        sentBytes: 4 * 1024 * 1024,
        totalBytes: 4 * 1024 * 1024,
        state: 'uploading',
      }),
    );
    expect(bar).toHaveAttribute('aria-valuenow', '0');
    act(() =>
      parley.emit('templateMedia:progress', {
        uploadId,
        sentBytes: 1024 * 1024,
        totalBytes: 4 * 1024 * 1024,
        state: 'uploading',
      }),
    );
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText('Uploading terms.pdf to Meta: 1.0 of 4.0 MB')).toHaveAttribute('role', 'status');
    await expectNoAxeViolations(container);
    await user.click(screen.getByRole('button', { name: 'Cancel upload' }));
    expect(parley['admin:cancelTemplateMedia']).toHaveBeenCalledWith({ uploadId });
    expect(await screen.findByText('Upload of terms.pdf cancelled')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Handle')).toHaveTextContent('');
  });
});
