import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fail, ok, type Result } from '#contract/result';
import { useCreateOnce } from './useCreateOnce';

function setup() {
  const form = { reset: vi.fn() };
  const onClose = vi.fn();
  const onCreated = vi.fn();
  const hook = renderHook(() => useCreateOnce<{ key: string }>(form, onClose, onCreated));
  return { form, onClose, onCreated, hook };
}

describe('useCreateOnce', () => {
  it('is busy while the call runs, then shows what was created and says so', async () => {
    const { onCreated, hook } = setup();
    let answer!: (r: Result<{ key: string }>) => void;
    let failed: unknown = 'pending';
    act(() => {
      void hook.result.current
        .create(() => new Promise((resolve) => (answer = resolve)))
        .then((e) => (failed = e));
    });
    expect(hook.result.current.busy).toBe(true);
    await act(async () => answer(ok({ key: 'pk_live_x' })));
    expect(failed).toBeNull();
    expect(hook.result.current).toMatchObject({ busy: false, created: { key: 'pk_live_x' }, error: null });
    expect(onCreated).toHaveBeenCalledTimes(1);
  });

  it('hands a refusal back without showing anything created, and clears the last error on the next try', async () => {
    const { onCreated, hook } = setup();
    const refusal = fail('invalid_input', 'Name the key').error;
    let failed: unknown;
    await act(async () => {
      failed = await hook.result.current.create(async () => fail('invalid_input', 'Name the key'));
    });
    expect(failed).toEqual(refusal);
    expect(hook.result.current.created).toBeNull();
    expect(onCreated).not.toHaveBeenCalled();
    act(() => hook.result.current.setError(refusal));
    expect(hook.result.current.error).toEqual(refusal);
    await act(async () => {
      await hook.result.current.create(async () => ok({ key: 'k' }));
    });
    expect(hook.result.current.error).toBeNull();
  });

  it('forgets the secret and the error on close, and resets the form', async () => {
    const { form, onClose, hook } = setup();
    await act(async () => {
      await hook.result.current.create(async () => ok({ key: 'shown once' }));
    });
    act(() => hook.result.current.setError(fail('internal', 'x').error));
    act(() => hook.result.current.close());
    expect(hook.result.current.created).toBeNull();
    expect(hook.result.current.error).toBeNull();
    expect(form.reset).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
