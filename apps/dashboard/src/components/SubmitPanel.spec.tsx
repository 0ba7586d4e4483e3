import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client';
import { SubmitPanel } from './SubmitPanel';

function fakeApi(answers: Record<string, unknown>) {
  const calls: Array<{ method: string; url: string; body: any }> = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ method: String(init.method), url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${init.method} ${url.split('?')[0]}`;
    return new Response(JSON.stringify(answers[key] ?? {}), { status: key.startsWith('POST') ? 202 : 200 });
  }) as unknown as typeof fetch;
  return { calls, api: new ApiClient('k', '', impl) };
}

describe('SubmitPanel', () => {
  it('submits one URL with the default quality and formats', async () => {
    const { calls, api } = fakeApi({ 'POST /api/v1/download': { request_id: 'req_aaaaaaaaaaaa', url: 'https://v.test/1', status: 'queued' } });
    const onCreated = vi.fn();
    render(<SubmitPanel api={api} onCreated={onCreated} onCreatedIds={vi.fn()} />);
    fireEvent.input(screen.getByLabelText('Media URL'), { target: { value: 'https://v.test/1' } });
    fireEvent.change(screen.getByLabelText('Quality'), { target: { value: '720p' } });
    fireEvent.submit(screen.getByLabelText('Media URL').closest('form')!);
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls[0].body).toEqual({ url: 'https://v.test/1', quality: '720p', video_format: 'mp4', audio_format: 'mp3' });
    expect(screen.getByRole('status').textContent).toBe('Queued req_aaaaaaaaaaaa.');
  });

  it('sends a batch of one URL per line, blank lines ignored', async () => {
    const { calls, api } = fakeApi({ 'POST /api/v1/batch/download': { batch_id: 'batch_x', request_ids: ['req_1', 'req_2'] } });
    const onIds = vi.fn();
    render(<SubmitPanel api={api} onCreated={vi.fn()} onCreatedIds={onIds} />);
    fireEvent.click(screen.getByRole('button', { name: 'Several URLs' }));
    fireEvent.input(screen.getByLabelText(/one per line/), { target: { value: 'https://v.test/1\n\n  https://v.test/2  \n' } });
    expect(screen.getByText('2 URLs')).toBeTruthy();
    fireEvent.submit(screen.getByLabelText(/one per line/).closest('form')!);
    await waitFor(() => expect(onIds).toHaveBeenCalledWith(['req_1', 'req_2']));
    expect(calls[0].body.urls).toEqual(['https://v.test/1', 'https://v.test/2']);
    expect(screen.getByRole('status').textContent).toBe('Batch batch_x queued with 2 downloads.');
  });

  it('previews a playlist, then downloads the picked items', async () => {
    const { calls, api } = fakeApi({
      'GET /api/v1/playlist/preview': {
        title: 'My list',
        total: 3,
        entries: [
          { index: 1, title: 'One', duration: 61 },
          { index: 2, title: 'Two', duration: 5 },
          { index: 3, title: 'Three', duration: null },
        ],
      },
      'POST /api/v1/playlist/download': { batch_id: 'batch_p', request_ids: ['req_1', 'req_3'] },
    });
    render(<SubmitPanel api={api} onCreated={vi.fn()} onCreatedIds={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Playlist or channel' }));
    fireEvent.input(screen.getByLabelText('Playlist URL'), { target: { value: 'https://v.test/feed.xml' } });
    fireEvent.submit(screen.getByLabelText('Playlist URL').closest('form')!);
    await screen.findByText('My list');
    expect(calls[0].url).toBe('/api/v1/playlist/preview?url=https%3A%2F%2Fv.test%2Ffeed.xml&limit=50');
    expect(screen.getByText('1:01')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Two/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Download 2 items' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1].body).toEqual({ url: 'https://v.test/feed.xml', quality: 'best', video_format: 'mp4', audio_format: 'mp3', items: '1,3' });
  });

  it('shows a refused URL in plain words', async () => {
    const impl = (async () =>
      new Response(JSON.stringify({ error: { code: 'forbidden_address', message: 'url: points to a private network address' } }), {
        status: 400,
      })) as unknown as typeof fetch;
    render(<SubmitPanel api={new ApiClient('k', '', impl)} onCreated={vi.fn()} onCreatedIds={vi.fn()} />);
    fireEvent.input(screen.getByLabelText('Media URL'), { target: { value: 'http://10.0.0.1/x.mp4' } });
    fireEvent.submit(screen.getByLabelText('Media URL').closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe('That was not accepted: url: points to a private network address.');
  });
});
