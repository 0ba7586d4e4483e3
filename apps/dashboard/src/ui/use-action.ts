import { useState } from 'preact/hooks';
import { messageOf } from '../api/errors';

/** A form action's state: `run` marks it busy, then shows what it returns as done or its error as the message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await what());
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setError(null);
    setDone(null);
  };
  return { busy, error, done, run, reset };
}
