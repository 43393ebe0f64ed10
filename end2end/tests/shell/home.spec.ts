import { test, expect, jsEnabled } from '../../fixtures/parvis';

test('the home page greets residents in French with the commune name', async ({ page, gotoPage }) => {
  const response = await gotoPage('/');
  expect(response?.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Saint-Aubin-du-Parvis');
  await expect(page).toHaveTitle(/Accueil – Saint-Aubin-du-Parvis/);
  const nav = page.getByRole('navigation', { name: 'Menu principal' });
  for (const name of ['Mon espace', 'Démarches', 'Rendez-vous', 'Forum', 'Consultations', 'Équipements']) {
    await expect(nav.getByRole('link', { name })).toBeVisible();
  }
});

test('the skip link is the first stop and moves focus to the content', async ({ page, gotoPage }, testInfo) => {
  test.skip(testInfo.project.name.startsWith('mobile'), 'keyboard journey: desktop only');
  await gotoPage('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Aller au contenu' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#contenu$/);
  await page.keyboard.press('Tab');
  // The next stop is inside the main content, not the header.
  await expect(page.locator('main :focus')).toHaveCount(1);
});

test('main navigation leads to each section', async ({ page, gotoPage }, testInfo) => {
  await gotoPage('/');
  const nav = page.getByRole('navigation', { name: 'Menu principal' });
  await nav.getByRole('link', { name: 'Forum' }).click();
  await expect(page).toHaveURL(/\/forum$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Forum' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Forum' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: 'Démarches' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Démarches' })).toBeVisible();
  if (jsEnabled(testInfo)) {
    // Hydrated: navigation happens in the page, without reloading the document.
    await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
  }
});

test('pages are sent with a nonce-based content security policy', async ({ page, gotoPage }) => {
  const response = await gotoPage('/');
  const headers = response!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+'/);
  expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBeTruthy();
  const nonce = headers['content-security-policy'].match(/'nonce-([^']+)'/)![1];
  // Every inline script with code carries this response's nonce (empty placeholders run nothing).
  const html = await response!.text();
  const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([^<]+)<\/script>/g)];
  expect(inlineScripts.length).toBeGreaterThan(0);
  for (const [, attrs] of inlineScripts) {
    expect(attrs).toContain(`nonce="${nonce}"`);
  }
});
