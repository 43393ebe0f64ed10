// "Fast on a cheap phone": the first load of a page, everything included (HTML, CSS,
// JS, wasm, icons), stays within 25 requests and 200 KB as served.
import { test, expect } from '../../fixtures/parvis';
import type { Page } from '@playwright/test';

const BUDGET_BYTES = 200 * 1024;
const BUDGET_REQUESTS = 25;
const PAGES = ['/', '/forum', '/contact-dpo', '/introuvable'];

/** Loads `path` in a fresh page and returns [requests, bytes as served]. */
async function firstLoad(page: Page, gotoPage: (url: string) => Promise<unknown>, path: string) {
  const sizes: Promise<number>[] = [];
  page.on('requestfinished', (req) => {
    sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  });
  await gotoPage(path);
  await page.waitForLoadState('networkidle');
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

  test(`first load of ${path} weighs at most 200 KB`, async ({ page, gotoPage }) => {
    // Known gap, expected to fail until fixed: a first load weighs ~1.7 MB as served
    // (2026-12-01, with the privacy centre), nearly all of it the hydration bundle
    // (~1,614 KB brotli; 1,475 KB before the privacy centre, 1,268 KB before
    // appointments, 1,019 KB before the services pages, 736 KB before surveys), which
    // browsers fetch through <link rel="preload"> even with JavaScript off. When the bundle shrinks under budget this test passes and Playwright reports
    // it: remove this line then.
    test.fail(true, 'wasm bundle over the 200 KB budget (follow-up issue)');
    const [, bytes] = await firstLoad(page, gotoPage, path);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
}
