import { describe, expect, it } from 'vitest';
import { knownErrorCodes, lookupMetaError } from './error-catalog';

describe('lookupMetaError', () => {
  const digestCodes = [
    0, 1, 2, 3, 4, 10, 33, 100, 190, 200, 250, 299, 368, 80007, 130429, 130472, 131000, 131005, 131008,
    131009, 131016, 131021, 131026, 131031, 131042, 131045, 131047, 131048, 131049, 131050, 131051, 131052,
    131053, 131056, 131057, 131060, 131062, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133004,
    133010, 135000, 137000,
  ];
  it('knows every code of digest §5.2 and the brief', () => {
    for (const code of digestCodes) {
      const e = lookupMetaError(code);
      expect(e.title, String(code)).not.toBe('Unknown error');
      expect(e.agentMessage.endsWith('.'), String(code)).toBe(true);
    }
    expect(knownErrorCodes.length).toBeGreaterThanOrEqual(digestCodes.length - 2);
  });

  it('maps the codes the send queue branches on', () => {
    expect(lookupMetaError(131047)).toMatchObject({
      retry: 'no',
      kind: 'window_closed',
      agentMessage:
        'The 24-hour reply window has closed. Send an approved template to restart the conversation.',
    });
    expect(lookupMetaError(130429)).toMatchObject({ retry: 'backoff', kind: 'rate_limit', httpStatus: 400 });
    expect(lookupMetaError(131056)).toMatchObject({ retry: 'pair_rate', kind: 'pair_rate' });
    expect(lookupMetaError(190)).toMatchObject({ retry: 'no', kind: 'auth', httpStatus: 401 });
    expect(lookupMetaError(131000)).toMatchObject({ retry: 'backoff', kind: 'transient', httpStatus: 500 });
    expect(lookupMetaError(132001)).toMatchObject({ kind: 'template', httpStatus: 404 });
    expect(lookupMetaError(131057)).toMatchObject({ retry: 'later' });
  });

  it('turns unknown codes into a permanent error carrying Meta’s title', () => {
    expect(lookupMetaError(999999, 'Brand new problem')).toEqual({
      code: 999999,
      title: 'Brand new problem',
      httpStatus: 400,
      retry: 'no',
      kind: 'permanent',
      agentMessage: 'WhatsApp refused the message: Brand new problem.',
    });
  });
});
