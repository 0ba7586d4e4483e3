import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { jobsReducer, initialJobs, visibleJobs } from '../state/jobs';
import { makeJob } from '../test-fixtures';
import { JobList } from './JobList';

function renderList(jobs = [makeJob()], extra: Partial<Parameters<typeof JobList>[0]> = {}) {
  const props = {
    jobs,
    filter: '' as const,
    onFilter: vi.fn(),
    onCancel: vi.fn(),
    cancelling: new Set<string>(),
    hasMore: false,
    onMore: vi.fn(),
    loading: false,
    ...extra,
  };
  return { props, ...render(<JobList {...props} />) };
}

describe('JobList', () => {
  it('lists jobs in the order given, with title or URL, status and a link to the detail', () => {
    const a = makeJob({
      status: 'running',
      metadata: { title: 'Big Buck Bunny', uploader: null, duration: null },
      progress: { percent: 30, downloaded_bytes: 30, total_bytes: 100, speed: 10, eta: 7 },
    });
    const b = makeJob({ status: 'queued' });
    renderList([a, b]);
    const rows = screen.getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-request-id'))).toEqual([a.request_id, b.request_id]);
    const link = within(rows[0]).getByRole('link', { name: 'Big Buck Bunny' });
    expect(link.getAttribute('href')).toBe(`/downloads/${a.request_id}`);
    expect(within(rows[0]).getByText('Downloading')).toBeTruthy();
    expect(within(rows[0]).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('30');
    expect(within(rows[1]).getByRole('link', { name: b.url })).toBeTruthy();
    expect(within(rows[1]).getByText('Queued')).toBeTruthy();
  });

  it('offers Cancel only for queued and running jobs, and calls back with the id', () => {
    const running = makeJob({ status: 'running', metadata: { title: 'Running one', uploader: null, duration: null } });
    const done = makeJob({
      status: 'completed',
      metadata: { title: 'Done one', uploader: null, duration: null },
      file_info: { filename: 'v.mp4', filepath: 'videos/v.mp4', size_bytes: 10, download_url: 'http://127.0.0.1/files/videos/v.mp4?sig=x' },
    });
    const failed = makeJob({ status: 'failed', error: 'HTTP Error 404: Not Found' });
    const { props } = renderList([running, done, failed]);
    const buttons = screen.getAllByRole('button', { name: /^Cancel/ });
    expect(buttons).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel Running one' }));
    expect(props.onCancel).toHaveBeenCalledWith(running.request_id);
    const file = screen.getByRole('link', { name: 'Download file' });
    expect(file.getAttribute('href')).toBe('http://127.0.0.1/files/videos/v.mp4?sig=x');
    expect(file.getAttribute('download')).toBe('v.mp4');
    expect(screen.getByText('HTTP Error 404: Not Found')).toBeTruthy();
  });

  it('filters by status and pages on request', () => {
    const { props } = renderList([makeJob()], { hasMore: true });
    fireEvent.change(screen.getByLabelText(/Status/), { target: { value: 'failed' } });
    expect(props.onFilter).toHaveBeenCalledWith('failed');
    fireEvent.click(screen.getByRole('button', { name: 'Show older downloads' }));
    expect(props.onMore).toHaveBeenCalled();
  });

  it('says what is empty and shows errors', () => {
    renderList([], { filter: 'failed', error: 'Cannot reach the server.' });
    expect(screen.getByText('No downloads that are failed.')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Cannot reach the server.');
  });

  it('moves a live job through the states as stream events arrive', () => {
    const job = makeJob({ metadata: { title: 'Live one', uploader: null, duration: null } });
    let state = jobsReducer(initialJobs, { type: 'page', jobs: [job], nextCursor: null, replace: true });
    const view = (s: typeof state) => (
      <JobList
        jobs={visibleJobs(s)}
        filter={s.filter}
        onFilter={vi.fn()}
        onCancel={vi.fn()}
        cancelling={new Set()}
        hasMore={false}
        onMore={vi.fn()}
        loading={false}
      />
    );
    const { rerender } = render(view(state));
    const pct = () => screen.getByRole('progressbar').getAttribute('aria-valuenow');
    expect(pct()).toBe('0');
    for (const percent of [20, 60]) {
      state = jobsReducer(state, {
        type: 'upsert',
        job: { ...job, status: 'running', progress: { percent, downloaded_bytes: percent, total_bytes: 100, speed: 10, eta: 1 } },
      });
      rerender(view(state));
      expect(pct()).toBe(String(percent));
    }
    state = jobsReducer(state, {
      type: 'upsert',
      job: { ...job, status: 'completed', progress: { percent: 100, downloaded_bytes: 100, total_bytes: 100, speed: null, eta: 0 } },
    });
    rerender(view(state));
    expect(pct()).toBe('100');
    expect(within(screen.getByRole('listitem')).getByText('Done')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Cancel/ })).toBeNull();
  });
});

describe('JobList library actions', () => {
  const file = { filename: 'v.mp4', filepath: 'videos/v.mp4', size_bytes: 10, download_url: 'http://127.0.0.1/files/videos/v.mp4?sig=x' };

  it('names the filter options as the badges name the statuses', () => {
    renderList([makeJob({ status: 'running' })]);
    const options = [...(screen.getByLabelText(/Status/) as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options).toEqual(['All', 'Queued', 'Downloading', 'Done', 'Failed', 'Cancelled']);
  });

  it('offers Retry on failed and cancelled jobs and Delete file on completed ones with files', () => {
    const failed = makeJob({ status: 'failed', metadata: { title: 'Broken', uploader: null, duration: null } });
    const cancelled = makeJob({ status: 'cancelled', metadata: { title: 'Stopped', uploader: null, duration: null } });
    const done = makeJob({ status: 'completed', metadata: { title: 'Kept', uploader: null, duration: null }, file_info: file });
    const gone = makeJob({
      status: 'completed',
      metadata: { title: 'Gone', uploader: null, duration: null },
      file_deleted: true,
      file_info: { ...file, download_url: null, deleted_reason: 'expired' },
    });
    const onRetry = vi.fn();
    const onDeleteFile = vi.fn();
    renderList([failed, cancelled, done, gone], { onRetry, onDeleteFile });
    fireEvent.click(screen.getByRole('button', { name: 'Retry Broken' }));
    fireEvent.click(screen.getByRole('button', { name: 'Retry Stopped' }));
    expect(onRetry.mock.calls).toEqual([[failed.request_id], [cancelled.request_id]]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete file of Kept' }));
    expect(onDeleteFile).toHaveBeenCalledWith(done.request_id);
    expect(screen.queryByRole('button', { name: 'Delete file of Gone' })).toBeNull();
    expect(screen.getAllByRole('link', { name: 'Download file' })).toHaveLength(1);
    expect(screen.getByText('File expired')).toBeTruthy();
  });

  it('flags jobs whose webhooks are dead or retrying, and no others', () => {
    const dead = makeJob({ status: 'completed', webhooks: { events: 3, delivered: 2, retrying: 0, dead: 1 } });
    const retrying = makeJob({ status: 'running', webhooks: { events: 2, delivered: 1, retrying: 1, dead: 0 } });
    const fine = makeJob({ status: 'completed', webhooks: { events: 3, delivered: 3, retrying: 0, dead: 0 } });
    renderList([dead, retrying, fine]);
    const rows = screen.getAllByRole('listitem');
    expect(within(rows[0]).getByText('Webhook failed')).toBeTruthy();
    expect(within(rows[1]).getByText('Webhook retrying')).toBeTruthy();
    expect(within(rows[2]).queryByText(/^Webhook/)).toBeNull();
  });

  it('runs the bulk actions', () => {
    const onRetryFailed = vi.fn();
    const onClearCompleted = vi.fn();
    renderList([makeJob()], { onRetryFailed, onClearCompleted });
    fireEvent.click(screen.getByRole('button', { name: 'Retry failed' }));
    expect(onRetryFailed).toHaveBeenCalled();
    fireEvent.click(screen.getByLabelText('and delete their files'));
    fireEvent.click(screen.getByRole('button', { name: 'Clear completed' }));
    expect(onClearCompleted).toHaveBeenCalledWith(true);
  });
});
