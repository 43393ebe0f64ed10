import { test, expect, projectContextOptions, waitForHydration } from '../../fixtures/parvis';

test('a browser asking for English gets English', async ({ browser, baseURL }, testInfo) => {
  const context = await browser.newContext({
    ...projectContextOptions(testInfo, baseURL),
    locale: 'en-US',
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9,fr;q=0.5' },
  });
  const page = await context.newPage();
  await page.goto('/');
  await waitForHydration(page, testInfo);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeAttached();
  await context.close();
});

test('the language switch is remembered across pages', async ({ page, gotoPage }, testInfo) => {
  await gotoPage('/forum');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await page.getByRole('button', { name: 'English' }).click();
  // Back on the same page, now in English.
  await expect(page).toHaveURL(/\/forum$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await waitForHydration(page, testInfo);
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-current', 'true');
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Consultations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations' })).toBeVisible();
  await gotoPage('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to the Saint-Aubin-du-Parvis portal');

  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bienvenue sur le portail de Saint-Aubin-du-Parvis');
});

test('a forged cross-site language switch is refused', async ({ request }) => {
  const response = await request.post('/api/set_language', {
    form: { lang: 'en', next: '/' },
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect(response.headers()['set-cookie']).toBeUndefined();
});
