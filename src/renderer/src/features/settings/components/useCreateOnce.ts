import { useState } from 'react';
import type { AppError, Result } from '#contract/result';

/**
 * The state of a modal that creates something whose secret is shown once (an API key, a lead
 * intake): the created value once the call succeeds, the error to show, the busy flag, and a
 * close that forgets all of it (and resets the form) so the secret is never shown again.
 */
export function useCreateOnce<T>(form: { reset: () => void }, onClose: () => void, onCreated: () => void) {
  const [created, setCreated] = useState<T | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    form.reset();
    setCreated(null);
    setError(null);
    onClose();
  };
  /** Runs the create call: on success shows its value; else hands its error back, to be placed. */
  const create = async (call: () => Promise<Result<T>>): Promise<AppError | null> => {
    setError(null);
    setBusy(true);
    const r = await call();
    setBusy(false);
    if (r.ok) {
      setCreated(r.value);
      onCreated();
      return null;
    }
    return r.error;
  };
  return { created, error, setError, busy, close, create };
}
