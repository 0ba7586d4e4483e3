import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { LocalServer, MediaServer, makeClip, readBody, serveMedia, startLocalServer, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { ARTIFACTS, launchBrowser } from './browser';
import { submitFromForm } from './dashboard-page';

interface Seen {
  id: string;
  status: string;
  percent: string;
}

/** Runs in the page (as text: this project compiles without the DOM library). */
const RECORD_PROGRESS = `(() => {
  const seen = (window.seen = []);
  new MutationObserver(() => {
    document.querySelectorAll('li.job').forEach((li) => {
      const bar = li.querySelector('[role=progressbar]');
      const entry = { id: li.getAttribute('data-request-id') || '', status: li.getAttribute('data-status') || '', percent: (bar && bar.getAttribute('aria-valuenow')) || '' };
      const last = seen.filter((s) => s.id === entry.id).pop();
      if (!last || last.status !== entry.status || last.percent !== entry.percent) seen.push(entry);
    });
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow', 'data-status'] });
})()`;
const FITS_WIDTH = 'document.documentElement.scrollWidth <= window.innerWidth';

/**
 * The dashboard in Debian's Chromium against the whole running system: the built gateway (which
 * serves the page), worker and webhook sender on a fresh vhost, a throttled local media source and
 * a local webhook receiver. One worker slot, so a second download waits in the queue to be cancelled.
 */
describe('dashboard in a real browser', () => {
  let sys: TestSystem;
  let slow: MediaServer;
  let slower: MediaServer;
  let receiver: LocalServer;
  const hooks: Array<{ event: string; request_id: string }> = [];
  let clipPath: string;
  let clip: Buffer;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    clipPath = await makeClip({ seconds: 4, width: 640, height: 360, title: 'Test Clip' });
    clip = readFileSync(clipPath);
    // about 8 s for the clip: long enough to see progress move several times
    slow = await serveMedia(dirname(clipPath), { bytesPerSecond: Math.ceil(statSync(clipPath).size / 8) });
    slower = await serveMedia(dirname(clipPath), { bytesPerSecond: 2048 });
    receiver = await startLocalServer((req, res) => {
      void readBody(req).then((b) => {
        const payload = JSON.parse(b.toString());
        hooks.push({ event: payload.event, request_id: payload.request_id });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    sys = await TestSystem.start({ appEnv: { 'downloader-worker': { WORKER_CONCURRENCY: '1' } } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (r) => requested.push(`${r.method()} ${r.url()}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([slow?.close(), slower?.close(), receiver?.close()]);
    await sys?.stop();
  });

  const row = (id: string) => page.locator(`li.job[data-request-id="${id}"]`);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  const submit = (url: string) => submitFromForm(page, url);

  it('takes the key, streams live progress, cancels, serves the file and shows the delivery log', async () => {
    await page.goto(`${sys.baseUrl}/`);
    await page.getByLabel('API key', { exact: true }).fill(sys.apiKey);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate("sessionStorage.getItem('mda.apiKey')")).toBe(sys.apiKey);
    expect(await page.evaluate('localStorage.length')).toBe(0);

    // record every value the progress bars take, with the row's status at that moment
    await page.evaluate(RECORD_PROGRESS);

    await page.getByText('More options').click();
    await page.getByLabel('Webhook URL (optional)').fill(`${receiver.url}/hook`);
    const listCallsBefore = requested.filter((r) => r.includes('/api/v1/downloads')).length;
    const watched = await submit(slow.urlFor(basename(clipPath)));
    const queued = await submit(slower.urlFor(basename(clipPath)));

    // the second waits behind the first (one worker slot): cancel it from its row
    await expect(row(queued).getAttribute('data-status')).resolves.toBe('queued');
    await row(queued)
      .getByRole('button', { name: /^Cancel / })
      .click();
    await row(queued).locator('[data-status="cancelled"], .badge--cancelled').first().waitFor({ timeout: 10_000 });
    expect(await row(queued).getAttribute('data-status')).toBe('cancelled');
    await expect(row(queued).getByText('Cancelled').isVisible()).resolves.toBe(true);

    await row(watched).locator('.badge--running').waitFor({ timeout: 20_000 });
    await shot('1-list-progress');
    await waitFor(async () => (await row(watched).getAttribute('data-status')) === 'completed', {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'download completed in the page',
    });

    const seen = ((await page.evaluate('window.seen')) as Seen[]).filter((s) => s.id === watched);
    const during = seen.filter((s) => s.status === 'running' && Number(s.percent) > 0 && Number(s.percent) < 100).map((s) => Number(s.percent));
    // the bar moved at least twice while running, never backwards, then reached 100
    expect(new Set(during).size).toBeGreaterThanOrEqual(2);
    expect([...during].sort((a, b) => a - b)).toEqual(during);
    expect(seen[seen.length - 1]).toEqual({ id: watched, status: 'completed', percent: '100' });
    // live means pushed: the page did not poll the API for the job or the list meanwhile
    expect(requested.filter((r) => r.includes('/api/v1/downloads')).length).toBe(listCallsBefore);
    expect(requested.filter((r) => r.startsWith(`GET ${sys.baseUrl}/api/v1/download/${watched}`))).toEqual([]);
    await shot('2-list-completed');

    // the file link gives the stored bytes
    const [download] = await Promise.all([page.waitForEvent('download'), row(watched).getByRole('link', { name: 'Download file' }).click()]);
    expect(download.suggestedFilename()).toBe(`video-${watched.slice(4)}.mp4`);
    expect(readFileSync((await download.path()) as string).equals(clip)).toBe(true);

    // the detail: metadata, logs, and the webhook deliveries the receiver answered
    await row(watched).getByRole('link', { name: 'Test Clip' }).click();
    await expect(page.getByRole('heading', { name: 'Test Clip' }).isVisible()).resolves.toBe(true);
    expect(page.url()).toBe(`${sys.baseUrl}/downloads/${watched}`);
    await page.getByText('Duration').waitFor();
    await waitFor(() => hooks.some((h) => h.request_id === watched && h.event === 'download.completed'), {
      timeoutMs: 20_000,
      what: 'completed webhook received',
    });
    // one row per event, its attempts behind a button
    const completedRow = page.locator('tbody.event', { hasText: 'download.completed' });
    await waitFor(
      async () => {
        if ((await completedRow.count()) > 0) return true;
        await page.getByRole('button', { name: 'Refresh' }).first().click();
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'delivery log entry in the page' },
    );
    const cells = await completedRow.first().locator('tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['download.completed', 'Delivered', '1 attempt ▾', '200']);
    await completedRow
      .first()
      .getByRole('button', { name: /1 attempt/ })
      .click();
    await expect(completedRow.first().locator('li.try').textContent()).resolves.toMatch(/^Try 1delivered200\d+ ms/);
    await expect(page.getByRole('button', { name: 'Redeliver' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Download file' }).getAttribute('href')).resolves.toContain(`/files/videos/video-${watched.slice(4)}.mp4`);
    await shot('3-detail');

    // a phone-sized screen: same page, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${sys.baseUrl}/downloads/${watched}`); // a reload on a page route works (fallback)
    await page.getByRole('heading', { name: 'Test Clip' }).waitFor();
    expect(await page.evaluate(FITS_WIDTH)).toBe(true);
    await shot('4-detail-phone');
    await page.goto(`${sys.baseUrl}/`);
    await row(watched).waitFor();
    expect(await page.evaluate(FITS_WIDTH)).toBe(true);
    await shot('5-list-phone');

    // the key went in headers only: never in a URL the browser asked for
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((r) => r.includes(sys.apiKey))).toEqual([]);
  }, 150_000);

  it('is usable from the keyboard: labelled fields, Tab order, Enter submits', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${sys.baseUrl}/`);
    await page.getByRole('button', { name: 'Forget key' }).click();
    await page.getByLabel('API key', { exact: true }).waitFor();
    // the key field has focus on arrival; a wrong key is refused in plain words
    await page.keyboard.type('not-the-key');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/API key was not accepted/);
    await page.getByLabel('API key', { exact: true }).fill(sys.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Media URL').focus();
    await page.keyboard.type('ftp://127.0.0.1/nope.mp4');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('single-quality');
    await page.getByLabel('Media URL').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^That was not accepted: .*url/i);
    await shot('6-error');
  }, 60_000);
});
