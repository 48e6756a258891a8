import { useEffect, useState } from 'react';
import type { AppInfo } from '#contract/ipc/contract';
import { useParleyClient } from './ParleyProvider';

/** Facts about the running app, or `undefined` until (or unless) `app:info` answers. */
export function useAppInfo(): AppInfo | undefined {
  const client = useParleyClient();
  const [info, setInfo] = useState<AppInfo | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void client.call('app:info').then((result) => {
      if (live && result.ok) setInfo(result.value);
    });
    return () => {
      live = false;
    };
  }, [client]);
  return info;
}
