import { AUDIO_FORMATS, AudioFormat, DownloadOptions, QUALITIES, Quality, VIDEO_FORMATS, VideoFormat } from '../api/types';

interface Props {
  idPrefix: string;
  value: DownloadOptions;
  onChange: (o: DownloadOptions) => void;
}

/** Quality and format choices shared by single, batch and playlist/channel downloads. */
export function OptionsFields({ idPrefix, value, onChange }: Props) {
  const set = (patch: Partial<DownloadOptions>) => onChange({ ...value, ...patch });
  const id = (n: string) => `${idPrefix}-${n}`;
  return (
    <div class="options">
      <div class="field">
        <label for={id('quality')}>Quality</label>
        <select id={id('quality')} value={value.quality} onChange={(e) => set({ quality: (e.currentTarget as HTMLSelectElement).value as Quality })}>
          {QUALITIES.map((q) => (
            <option key={q} value={q}>
              {q === 'best' ? 'Best available' : q === 'audio' ? 'Audio only' : q}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={id('video')}>Video format</label>
        <select
          id={id('video')}
          value={value.video_format}
          onChange={(e) => set({ video_format: (e.currentTarget as HTMLSelectElement).value as VideoFormat })}
        >
          {VIDEO_FORMATS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={id('audio')}>Audio format</label>
        <select
          id={id('audio')}
          value={value.audio_format}
          onChange={(e) => set({ audio_format: (e.currentTarget as HTMLSelectElement).value as AudioFormat })}
        >
          {AUDIO_FORMATS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </div>
      <details class="more">
        <summary>More options</summary>
        <div class="field field--wide">
          <label for={id('webhook')}>Webhook URL (optional)</label>
          <input
            id={id('webhook')}
            type="url"
            inputMode="url"
            placeholder="https://example.com/webhook"
            value={value.webhook_url ?? ''}
            onInput={(e) => set({ webhook_url: (e.currentTarget as HTMLInputElement).value.trim() || undefined })}
          />
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={!!value.download_subtitles}
            onChange={(e) => set({ download_subtitles: (e.currentTarget as HTMLInputElement).checked })}
          />
          Subtitles
        </label>
        {value.download_subtitles && (
          <div class="field">
            <label for={id('subs')}>Subtitle languages</label>
            <input
              id={id('subs')}
              placeholder="en, de"
              value={(value.subtitle_languages ?? []).join(', ')}
              onInput={(e) =>
                set({
                  subtitle_languages: (e.currentTarget as HTMLInputElement).value
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean),
                })
              }
            />
          </div>
        )}
        <label class="check">
          <input type="checkbox" checked={!!value.embed_metadata} onChange={(e) => set({ embed_metadata: (e.currentTarget as HTMLInputElement).checked })} />
          Embed metadata
        </label>
        <label class="check">
          <input type="checkbox" checked={!!value.write_thumbnail} onChange={(e) => set({ write_thumbnail: (e.currentTarget as HTMLInputElement).checked })} />
          Save thumbnail
        </label>
      </details>
    </div>
  );
}
