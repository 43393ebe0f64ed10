// "Fast on a cheap phone": the first load of a page, everything included (HTML, CSS,
// JS, wasm, icons), stays within 200 KB as served and 25 requests.
import { test, expect } from '../../fixtures/parvis';

const BUDGET_BYTES = 200 * 1024;
const BUDGET_REQUESTS = 25;

for (const path of ['/', '/forum', '/contact-dpo', '/introuvable']) {
  test(`first load of ${path} stays within budget`, async ({ page, gotoPage }) => {
    const responses: Promise<number>[] = [];
    page.on('requestfinished', (req) => {
      responses.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    });
    await gotoPage(path);
    await page.waitForLoadState('networkidle');
    const sizes = await Promise.all(responses);
    const total = sizes.reduce((a, b) => a + b, 0);
    test.info().annotations.push({ type: 'weight', description: `${path}: ${sizes.length} requests, ${total} bytes` });
    expect(sizes.length).toBeLessThanOrEqual(BUDGET_REQUESTS);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
}
