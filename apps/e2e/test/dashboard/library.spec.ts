import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { LocalServer, MediaServer, makeClip, makeRssFeed, readBody, serveMedia, startLocalServer, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { ARTIFACTS, launchBrowser } from './browser';
import { submitFromForm } from './dashboard-page';

/** Every cell of the webhook table lies inside the screen (none cut off or scrolled away). */
const EVENT_CELLS_FIT = `[...document.querySelectorAll('table.events td')].every((td) => { const r = td.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 0.5; }) && document.documentElement.scrollWidth <= window.innerWidth`;

/**
 * The library in the dashboard, in Debian's Chromium against the built apps: the webhook events of
 * a job one row each (with a dead event flagged in the list), Retry of a failed job once its source
 * is fixed, Delete file, Clear completed, and a subscription to a local RSS feed.
 */
describe('dashboard: library actions in a real browser', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let flaky: LocalServer;
  let receiver: LocalServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let clipPath: string;
  let sourceFixed = false;
  const hooks: Array<{ event: string; request_id: string; status: number }> = [];
  const completedTries = new Map<string, number>();
  let feedItems: Array<{ title: string; url: string }> = [];

  beforeAll(async () => {
    clipPath = await makeClip({ seconds: 2, width: 320, height: 240, title: 'Library Clip' });
    const one = await makeClip({ seconds: 1, width: 320, height: 240, title: 'Feed One' });
    const two = await makeClip({ seconds: 1, width: 320, height: 240, title: 'Feed Two' });
    media = await serveMedia(dirname(clipPath));
    feedItems = [
      { title: 'Feed Two', url: media.urlFor(basename(two)) },
      { title: 'Feed One', url: media.urlFor(basename(one)) },
    ];
    media.setRoute('/feed.xml', makeRssFeed(feedItems, { title: 'Library Feed' }), 'application/rss+xml');
    // a source that is broken until the test fixes it
    const clip = readFileSync(clipPath);
    flaky = await startLocalServer((req, res) => {
      if (!sourceFixed) return void res.writeHead(404).end('not yet');
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(req.method === 'HEAD' ? undefined : clip);
    });
    // download.started is refused for good (dead); download.completed fails once, then gets through
    receiver = await startLocalServer((req, res) => {
      void readBody(req).then((b) => {
        const payload = JSON.parse(b.toString()) as { event: string; request_id: string };
        let status = 200;
        if (payload.event === 'download.started') status = 400;
        if (payload.event === 'download.completed') {
          const n = (completedTries.get(payload.request_id) ?? 0) + 1;
          completedTries.set(payload.request_id, n);
          if (n === 1) status = 503;
        }
        hooks.push({ event: payload.event, request_id: payload.request_id, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{"error":"no"}');
      });
    });
    sys = await TestSystem.start({ env: { RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // Delete file, Clear completed and Delete subscription ask first: this user agrees
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${sys.baseUrl}/`);
    await page.getByLabel('API key', { exact: true }).fill(sys.apiKey);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([media?.close(), flaky?.close(), receiver?.close()]);
    await sys?.stop();
  });

  const row = (id: string) => page.locator(`li.job[data-request-id="${id}"]`);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `library-${name}.png`), fullPage: true });
  const statusOf = (id: string) => row(id).getAttribute('data-status');

  const submit = (url: string) => submitFromForm(page, url);

  async function waitStatus(id: string, status: string) {
    await waitFor(async () => (await statusOf(id)) === status, { timeoutMs: 60_000, intervalMs: 200, what: `${id} ${status} in the page` });
  }

  let doneId = '';

  it('shows the webhook events one row each, with attempts expandable, and flags the dead one in the list', async () => {
    await page.getByText('More options').click();
    await page.getByLabel('Webhook URL (optional)').fill(`${receiver.url}/hook`);
    doneId = await submit(media.urlFor(basename(clipPath)));
    await waitStatus(doneId, 'completed');
    // the title comes from the media's metadata
    await row(doneId).getByRole('link', { name: 'Library Clip' }).waitFor({ timeout: 10_000 });
    // download.started was refused (400: dead): the row says so, live, without a reload
    await row(doneId).locator('.badge--hook-dead', { hasText: 'Webhook failed' }).waitFor({ timeout: 30_000 });
    await waitFor(() => hooks.filter((h) => h.request_id === doneId && h.event === 'download.completed' && h.status === 200).length === 1, {
      timeoutMs: 30_000,
      what: 'completed delivered on its second try',
    });
    await shot('1-list-webhook-badge');

    await row(doneId).getByRole('link', { name: 'Library Clip' }).click();
    const event = (name: string) =>
      page.locator('tbody.event', { has: page.locator('td[data-label="Event"]', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });
    await waitFor(
      async () => {
        if (
          (await event('download.completed')
            .locator('td[data-label="State"]')
            .textContent()
            .catch(() => null)) === 'Delivered'
        )
          return true;
        await page.getByRole('button', { name: 'Refresh' }).first().click();
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the completed event delivered in the page' },
    );
    // one row per event, not per attempt: download.completed took two attempts and is one row
    await expect(event('download.completed').count()).resolves.toBe(1);
    await expect(event('download.started').count()).resolves.toBe(1);
    const completed = event('download.completed');
    expect(await completed.locator('td').allTextContents()).toEqual(['download.completed', 'Delivered', '2 attempts ▾', '200', expect.any(String)]);
    expect(await event('download.started').locator('td[data-label="State"]').textContent()).toBe('Failed');
    expect(await event('download.started').locator('td[data-label="Last result"]').textContent()).toMatch(/^400/);
    await completed.getByRole('button', { name: /2 attempts/ }).click();
    const tries = completed.locator('li.try');
    await tries.first().waitFor();
    expect(await tries.locator('.try__outcome').allTextContents()).toEqual(['retrying', 'delivered']);
    expect(await tries.nth(0).textContent()).toContain('503');
    expect(await tries.nth(1).textContent()).toMatch(/200.*\d+ ms/);
    await shot('2-detail-events');

    // a phone-sized screen: every column of the events table stays on the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('table.events').waitFor();
    expect(await page.evaluate(EVENT_CELLS_FIT)).toBe(true);
    await expect(completed.locator('li.try').count()).resolves.toBe(2);
    await shot('3-detail-events-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    // back on the list the submit form starts afresh: the next downloads have no webhook
    await page.getByRole('link', { name: 'Downloads', exact: true }).click();
    await expect(page.getByLabel('Webhook URL (optional)').inputValue()).resolves.toBe('');
  }, 120_000);

  it('retries a failed download once its source is fixed, linked to the original', async () => {
    const failedId = await submit(`${flaky.url}/later.mp4`);
    await waitStatus(failedId, 'failed');
    sourceFixed = true;
    await row(failedId)
      .getByRole('button', { name: /^Retry / })
      .click();
    const flash = page.getByRole('status').filter({ hasText: /^Queued req_[a-z0-9]+ to retry / });
    await flash.waitFor({ timeout: 10_000 });
    const retryId = /Queued (req_[a-z0-9]+) to retry (req_[a-z0-9]+)\./.exec((await flash.textContent()) ?? '');
    expect(retryId?.[2]).toBe(failedId);
    const newId = retryId?.[1] as string;
    await waitStatus(newId, 'completed');
    await expect(row(newId).getByRole('link', { name: failedId }).getAttribute('href')).resolves.toBe(`/downloads/${failedId}`);
    expect((await sys.api('GET', `/api/v1/download/${newId}`)).body).toMatchObject({ status: 'completed', retry_of: failedId, url: `${flaky.url}/later.mp4` });
    expect(await statusOf(failedId)).toBe('failed');
    await shot('4-retried');
  }, 90_000);

  it('deletes a file from its row: the job stays, its file and signed link are gone', async () => {
    const before = await sys.api('GET', `/api/v1/download/${doneId}`);
    const link = before.body.file_info.download_url as string;
    expect((await fetch(link)).status).toBe(200);
    await row(doneId).getByRole('button', { name: 'Delete file of Library Clip' }).click();
    await row(doneId).locator('.badge--gone', { hasText: 'File deleted' }).waitFor({ timeout: 10_000 });
    await expect(row(doneId).getByRole('link', { name: 'Download file' }).count()).resolves.toBe(0);
    await expect(
      row(doneId)
        .getByRole('button', { name: /^Delete file/ })
        .count(),
    ).resolves.toBe(0);
    const after = await sys.api('GET', `/api/v1/download/${doneId}`);
    expect(after.body).toMatchObject({ status: 'completed', file_deleted: true, file_info: { download_url: null, deleted_reason: 'deleted' } });
    expect((await fetch(link)).status).toBe(404);
    await shot('5-file-deleted');
  }, 60_000);

  it('clears the completed downloads and keeps the others', async () => {
    const completed = (await sys.api('GET', '/api/v1/downloads?status=completed&limit=100')).body.downloads.map(
      (j: { request_id: string }) => j.request_id,
    ) as string[];
    const failed = (await sys.api('GET', '/api/v1/downloads?status=failed&limit=100')).body.downloads.map(
      (j: { request_id: string }) => j.request_id,
    ) as string[];
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(failed.length).toBe(1);
    await page.getByRole('button', { name: 'Clear completed' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Cleared ${completed.length} completed downloads.` })
      .waitFor({ timeout: 10_000 });
    for (const id of completed) await expect(row(id).count()).resolves.toBe(0);
    await expect(row(failed[0]).count()).resolves.toBe(1);
    expect((await sys.api('GET', '/api/v1/downloads?status=completed&limit=100')).body.downloads).toEqual([]);
    expect((await sys.api('GET', `/api/v1/download/${completed[0]}`)).status).toBe(404);
    // a reload shows the same
    await page.reload();
    await row(failed[0]).waitFor();
    await expect(page.locator('li.job[data-status="completed"]').count()).resolves.toBe(0);
    await shot('6-cleared');
  }, 60_000);

  it('subscribes to a feed after a preview of the first check, checks now, pauses and deletes', async () => {
    const feedUrl = `${media.url}/feed.xml`;
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    expect(page.url()).toBe(`${sys.baseUrl}/subscriptions`);
    await page.getByLabel('Feed, channel or playlist URL').fill(feedUrl);
    await page.getByRole('radio', { name: /The first/ }).check();
    await page.getByLabel('How many listed items to download now').fill('1');
    await page.getByRole('button', { name: 'Preview' }).click();
    const items = page.locator('.preview li.pick');
    await items.first().waitFor({ timeout: 30_000 });
    expect(await items.allTextContents()).toEqual([expect.stringContaining('Feed Two'), expect.stringContaining('Feed One')]);
    expect(await page.locator('.preview li[data-picked="yes"]').allTextContents()).toEqual([expect.stringContaining('Feed Two')]);
    await expect(page.getByText('The first check downloads 1 item').isVisible()).resolves.toBe(true);
    await shot('7-subscription-preview');

    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('status').filter({ hasText: 'Subscribed to Library Feed: the first check saw 2 and queued 1.' }).waitFor({ timeout: 30_000 });
    const item = page.locator('li.sub');
    await item.waitFor();
    const subs = (await sys.api('GET', '/api/v1/subscriptions')).body.subscriptions;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ url: feedUrl, backfill: 1, paused: false, check_interval: 3600, title: 'Library Feed' });
    const subId = subs[0].subscription_id as string;
    expect(await item.getAttribute('data-subscription-id')).toBe(subId);
    await expect(item.locator('.sub__last').textContent()).resolves.toMatch(/saw 2, 1 new$/);

    // a new upload at the top of the feed: Check now takes it, and only it
    feedItems = [
      { title: 'Feed Three', url: media.urlFor(basename(await makeClip({ seconds: 1, width: 320, height: 240, title: 'Feed Three' }))) },
      ...feedItems,
    ];
    media.setRoute('/feed.xml', makeRssFeed(feedItems, { title: 'Library Feed' }), 'application/rss+xml');
    await item.getByRole('button', { name: 'Check now' }).click();
    await item.getByRole('status').filter({ hasText: 'Checked: 3 seen, 1 new.' }).waitFor({ timeout: 30_000 });
    await item.getByRole('button', { name: 'Show checks' }).click();
    const checks = item.locator('tr.check');
    await checks.first().waitFor();
    expect(await checks.locator('td[data-label="How"]').allTextContents()).toEqual(['Check now', 'On creation']);
    expect(await checks.locator('td[data-label="Result"]').allTextContents()).toEqual(['OK', 'OK']);
    expect(await checks.locator('td[data-label="Seen"]').allTextContents()).toEqual(['3', '2']);
    const newJobs = await checks.first().locator('td[data-label="New"] a').allTextContents();
    expect(newJobs).toHaveLength(1);
    const full = (await sys.api('GET', `/api/v1/subscriptions/${subId}`)).body;
    expect(full.checks.map((c: { trigger: string; new_items: number }) => [c.trigger, c.new_items])).toEqual([
      ['manual', 1],
      ['create', 1],
    ]);
    expect(full.checks[0].request_ids).toEqual(newJobs);
    await shot('8-subscription-checks');

    await item.getByRole('button', { name: 'Pause' }).click();
    await page.locator('li.sub[data-paused="true"]').waitFor({ timeout: 10_000 });
    await expect(item.locator('.badge', { hasText: 'Paused' }).isVisible()).resolves.toBe(true);
    expect((await sys.api('GET', `/api/v1/subscriptions/${subId}`)).body).toMatchObject({ paused: true, next_check_at: null });
    await item.getByRole('button', { name: 'Resume' }).click();
    await page.locator('li.sub[data-paused="false"]').waitFor({ timeout: 10_000 });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot('9-subscriptions-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await item.getByRole('button', { name: /^Delete subscription/ }).click();
    await page.getByText('No subscriptions yet.').waitFor({ timeout: 10_000 });
    expect((await sys.api('GET', '/api/v1/subscriptions')).body.subscriptions).toEqual([]);
  }, 120_000);
});
