import { test, expect, jsEnabled, projectContextOptions } from '../../fixtures/parvis';
import { confirmEmail, signIn, signUp, STRONG_PASSWORD } from '../../fixtures/accounts';

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

test('signed out, the home page says what is happening in the town and how to reach the town hall', async ({ page, gotoPage }) => {
  await gotoPage('/');
  const now = page.getByRole('region', { name: 'En ce moment dans la commune' });
  await expect(now.getByRole('heading', { level: 3, name: 'Consultations ouvertes' })).toBeVisible();
  await expect(now).toContainText('jusqu’au');
  await expect(now.getByRole('heading', { level: 3, name: 'Les dernières réponses de la mairie' })).toBeVisible();
  await expect(now.locator('a[href$="#reponse"]').first()).toBeVisible();
  await expect(now.getByRole('heading', { level: 3, name: 'Équipements' })).toBeVisible();
  await expect(now.getByRole('link', { name: 'Tous les équipements et leurs horaires' })).toBeVisible();
  const services = page.getByRole('region', { name: 'Les démarches les plus demandées' });
  await expect(services.getByRole('listitem')).toHaveCount(6);
  const contact = page.getByRole('region', { name: 'Contacter la mairie' });
  await expect(contact.getByRole('link', { name: '02 00 00 00 00' })).toHaveAttribute('href', 'tel:0200000000');
  await expect(contact.getByRole('table', { name: 'Horaires d’ouverture de la mairie' })).toBeVisible();
  await expect(contact.getByRole('row', { name: /lundi/ })).toContainText('8 h 30 – 12 h 00');
  // Nothing personal for a visitor.
  await expect(page.getByRole('region', { name: /^Pour vous/ })).toHaveCount(0);
  // Each news leads to its page.
  const consultation = now.getByRole('listitem').filter({ has: page.locator('a[href^="/consultations/"]') }).first().getByRole('link');
  const title = (await consultation.textContent())!;
  await consultation.click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
});

test('signed in, the home page shows first what waits for the resident', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const signup = await (await browser.newContext(projectContextOptions(testInfo, baseURL))).newPage();
  const email = await signUp(signup, 'Noé Lefèvre');
  await confirmEmail(signup, email);
  await signup.context().close();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);

  await gotoPage('/');
  const forYou = page.getByRole('region', { name: 'Pour vous, Noé Lefèvre' });
  await expect(forYou).toContainText('0 demande attend votre action');
  await expect(forYou).toContainText('Rien n’attend votre action pour l’instant.');
  await expect(forYou).toContainText('Aucun rendez-vous à venir.');

  // A request started and left as a draft waits for its author, on the home page.
  await gotoPage('/demarches/inscription-mediatheque');
  await page.getByRole('button', { name: 'Commencer ma demande' }).click();
  await expect(page).toHaveURL(/\/mon-espace\/demandes\/\d+\/formulaire$/);
  const form = page.url();
  await gotoPage('/');
  await expect(forYou).toContainText('1 demande attend votre action');
  await expect(forYou.getByRole('heading', { level: 3, name: 'Vos demandes à reprendre' })).toBeVisible();
  // "For you" comes before the town.
  const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
  expect(headings.indexOf('Pour vous, Noé Lefèvre')).toBeLessThan(headings.indexOf('En ce moment dans la commune'));
  await forYou.getByRole('link', { name: 'Inscription à la médiathèque' }).click();
  await expect(page).toHaveURL(form);
});
