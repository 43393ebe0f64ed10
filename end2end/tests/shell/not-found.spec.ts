import { test, expect, projectContextOptions } from '../../fixtures/parvis';

test('an unknown address shows a real 404 page', async ({ page, gotoPage }) => {
  const response = await gotoPage('/cette-page-n-existe-pas');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page introuvable' })).toBeVisible();
  await expect(page).toHaveTitle(/Page introuvable/);
  await page.getByRole('link', { name: 'Revenir à l’accueil' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Saint-Aubin-du-Parvis');
});

test('the 404 page follows the language of the visitor', async ({ browser, baseURL }, testInfo) => {
  const context = await browser.newContext({
    ...projectContextOptions(testInfo, baseURL),
    locale: 'en-GB',
    extraHTTPHeaders: { 'Accept-Language': 'en-GB,en;q=0.9' },
  });
  const page = await context.newPage();
  const response = await page.goto('/nowhere');
  expect(response?.status()).toBe(404);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await context.close();
});

test('the 404 page offers to search for what was looked for', async ({ page, gotoPage }) => {
  await gotoPage('/piscine-municipale');
  const main = page.getByRole('main');
  await main.getByLabel('Chercher ce que vous vouliez voir').fill('piscine');
  await main.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/\/recherche\?q=piscine$/);
  await expect(page.getByRole('link', { name: 'Piscine des Tilleuls' })).toBeVisible();
});

test('a page one may not see offers a way on, and signing in comes back to it', async ({ page, gotoPage }) => {
  const response = await gotoPage('/mon-compte?onglet=securite');
  expect(response?.status()).toBe(401);
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Rechercher sur le site' })).toHaveAttribute('href', '/recherche');
  await expect(main.getByRole('link', { name: 'Se connecter' })).toHaveAttribute(
    'href',
    '/connexion?suite=/mon-compte%3Fonglet%3Dsecurite',
  );
});
