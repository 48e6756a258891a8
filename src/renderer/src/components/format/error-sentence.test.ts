import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format-time';
import { errorSentence, remedyFor } from './error-sentence';

describe('errorSentence', () => {
  it('writes ISO times in the locale and drops the code', () => {
    const raw =
      'The 24-hour reply window closed at 2026-12-05T19:35:01Z; send an approved template. (code window_closed)';
    const out = errorSentence(raw);
    expect(out).toBe(
      `The 24-hour reply window closed at ${formatDateTime('2026-12-05T19:35:01Z')}; send an approved template.`,
    );
    expect(out).not.toMatch(/2026-12-05T|window_closed/);
  });

  it('ends with a full stop and never returns an empty string', () => {
    expect(errorSentence('Server refused')).toBe('Server refused.');
    expect(errorSentence('   ')).toBe('Something went wrong.');
  });
});

describe('remedyFor', () => {
  it('offers a template for a closed window, retry once the customer wrote again, nothing when hopeless', () => {
    expect(remedyFor('window_closed', false)).toBe('template');
    expect(remedyFor('131047', false)).toBe('template');
    expect(remedyFor('window_closed', true)).toBe('retry');
    expect(remedyFor('opted_out', true)).toBe('none');
    expect(remedyFor('payload_too_large', true)).toBe('none');
    expect(remedyFor('internal', false)).toBe('retry');
    expect(remedyFor(null, false)).toBe('retry');
  });
});
