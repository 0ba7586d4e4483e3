import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  onKey: (key: string) => void;
  problem?: string | null;
}

/** Asks for the API key once per browser tab; it stays in session storage, never in a URL. */
export function KeyForm({ onKey, problem }: Props) {
  const [key, setKey] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // the one thing to do here: put the cursor in the field (autofocus only works on page load)
  useEffect(() => input.current?.focus(), []);
  return (
    <section class="card keyform" aria-labelledby="key-heading">
      <h2 id="key-heading">Enter your API key</h2>
      <p class="muted">It is sent in the X-API-Key header and kept only in this tab until you close it.</p>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <div class="field field--wide">
          <label for="api-key">API key</label>
          <input
            ref={input}
            id="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            required
            value={key}
            onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="button button--primary">
          Continue
        </button>
      </form>
    </section>
  );
}
