// "Fast on a cheap phone": the first load of a public page, everything included (HTML,
// CSS, JS, wasm, icons), stays within 25 requests, and within 200 KB as served (the
// brief's target; issue 10 asked for 500 KB at most).
import { test, expect } from '../../fixtures/parvis';
import type { Page } from '@playwright/test';

const BUDGET_BYTES = 200 * 1024;
const BUDGET_REQUESTS = 25;
const PAGES = [
  '/',
  '/forum',
  '/forum/propositions/1',
  '/consultations',
  '/demarches',
  '/equipements',
  '/rendez-vous',
  '/contact-dpo',
  '/introuvable',
];

/** Loads `path` in a fresh page and returns [requests, bytes as served]. */
async function firstLoad(page: Page, gotoPage: (url: string) => Promise<unknown>, path: string) {
  const sizes: Promise<number>[] = [];
  const count = (req: import('@playwright/test').Request) => {
    sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  };
  page.on('requestfinished', count);
  await gotoPage(path);
  await page.waitForLoadState('networkidle');
  page.off('requestfinished', count);
  const all = await Promise.all(sizes);
  const bytes = all.reduce((a, b) => a + b, 0);
  test.info().annotations.push({ type: 'weight', description: `${path}: ${all.length} requests, ${bytes} bytes` });
  return [all.length, bytes] as const;
}

for (const path of PAGES) {
  test(`first load of ${path} makes at most ${BUDGET_REQUESTS} requests`, async ({ page, gotoPage }) => {
    const [requests] = await firstLoad(page, gotoPage, path);
    expect(requests).toBeLessThanOrEqual(BUDGET_REQUESTS);
  });
}

test('the first load of every public page weighs at most 200 KB', async ({ page, gotoPage }, testInfo) => {
  // The same bytes on both viewports: measured on desktop, with and without JavaScript.
  test.skip(testInfo.project.name.startsWith('mobile'), 'measured on desktop');
  const cdp = await page.context().newCDPSession(page);
  const over: string[] = [];
  for (const path of PAGES) {
    // Each page is a first load: nothing cached, no cookie.
    await cdp.send('Network.clearBrowserCache');
    await page.context().clearCookies();
    const [, bytes] = await firstLoad(page, gotoPage, path);
    if (bytes > BUDGET_BYTES) over.push(`${path}: ${bytes} bytes`);
  }
  expect(over).toEqual([]);
});
