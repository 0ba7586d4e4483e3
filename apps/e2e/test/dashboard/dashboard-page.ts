import type { Page } from 'playwright-core';

/** Submits `url` from the dashboard's form and returns the request id its status line announces. */
export async function submitFromForm(page: Page, url: string): Promise<string> {
  await page.getByLabel('Media URL').fill(url);
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  const status = page.getByRole('status').filter({ hasText: /^Queued req_/ });
  await status.waitFor({ timeout: 10_000 });
  const id = /Queued (req_[a-z0-9]+)\./.exec((await status.textContent()) ?? '')?.[1];
  expect(id).toMatch(/^req_[a-z0-9]{12,}$/);
  return id as string;
}
