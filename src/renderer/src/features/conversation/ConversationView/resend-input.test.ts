import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../../test-utils/conversation-fixtures';
import { resendInput } from './resend-input';

const media = {
  id: '6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  mimeType: 'application/pdf',
  fileName: 'invoice.pdf',
  size: 1200,
  state: 'ready' as const,
};

describe('resendInput', () => {
  it('copies a text with its quoted message', () => {
    expect(resendInput(makeMessage({ text: 'again', replyToMessageId: 'q1' }))).toEqual({
      type: 'text',
      text: 'again',
      replyToMessageId: 'q1',
    });
  });

  it('copies a document with its caption and file name; an image without the file name', () => {
    expect(resendInput(makeMessage({ type: 'document', text: null, caption: 'March', media }))).toEqual({
      type: 'document',
      mediaId: media.id,
      caption: 'March',
      fileName: 'invoice.pdf',
    });
    expect(resendInput(makeMessage({ type: 'image', text: null, media }))).toEqual({
      type: 'image',
      mediaId: media.id,
    });
  });

  it('has nothing to send for a type it cannot copy, or media without a file', () => {
    expect(resendInput(makeMessage({ type: 'reaction', text: null }))).toBeNull();
    expect(resendInput(makeMessage({ type: 'image', text: null, media: null }))).toBeNull();
  });
});
