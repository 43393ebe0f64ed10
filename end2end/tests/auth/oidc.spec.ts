// Sign-in through an OpenID Connect provider (FranceConnect-shaped), against a real
// provider started by the test harness (fixtures/oidc-provider.mjs).
import { test, expect } from '../../fixtures/parvis';
import { uniqueEmail } from '../../fixtures/mail';
import type { Page } from '@playwright/test';

const ISSUER = process.env.PARVIS_E2E_OIDC_ISSUER!;
test.use({ allowedOrigins: [new URL(ISSUER).origin] });

type Person = { sub: string; email: string; given: string; family: string; level?: string };

function person(given: string, family: string): Person {
  const email = uniqueEmail(given.toLowerCase());
  return { sub: `fc-${email}`, email, given, family };
}

/** From Parvis's sign-in page to the provider's, then back to Parvis. */
async function signInAtProvider(page: Page, gotoPage: (url: string) => Promise<unknown>, who: Person) {
  await gotoPage('/connexion');
  await page.getByRole('link', { name: 'S’identifier avec Identité Test' }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/interaction/`));
  await page.getByLabel('Identifiant').fill(who.sub);
  await page.getByLabel('Adresse électronique').fill(who.email);
  await page.getByLabel('Prénom').fill(who.given);
  await page.getByLabel('Nom', { exact: true }).fill(who.family);
  await page.getByLabel('Niveau').selectOption(who.level ?? 'eidas1');
  await page.getByRole('button', { name: 'Valider' }).click();
}

test('a resident signs in with the identity provider and signs out there too', async ({ page, gotoPage }) => {
  const camille = person('Camille', 'Martin');
  await signInAtProvider(page, gotoPage, camille);
  await expect(page).toHaveURL(/\/mon-espace$/);
  await expect(page.getByRole('banner')).toContainText('Connecté·e : Camille Martin');

  await page.goto('/mon-compte');
  await expect(page.getByRole('main')).toContainText(camille.email);

  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/session/end`));
  await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Se connecter' })).toBeVisible();

  // The account is the identity's (issuer, subject), not its e-mail: a new address at the
  // provider still opens the same account.
  await signInAtProvider(page, gotoPage, { ...camille, email: uniqueEmail('camille-new') });
  await expect(page).toHaveURL(/\/mon-espace$/);
  await page.goto('/mon-compte');
  await expect(page.getByRole('main')).toContainText(camille.email);
});

test('a sign-in below the required level is refused with a clear message', async ({ page, gotoPage }) => {
  await signInAtProvider(page, gotoPage, { ...person('Basile', 'Faible'), level: 'basique' });
  await expect(page).toHaveURL(/\/connexion\?oidc=niveau$/);
  await expect(page.getByRole('alert')).toContainText('niveau de sécurité plus élevé');
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Se connecter' })).toBeVisible();
});

test('cancelling at the provider comes back with a message', async ({ page, gotoPage }) => {
  await gotoPage('/connexion');
  await page.getByRole('link', { name: 'S’identifier avec Identité Test' }).click();
  await page.getByRole('button', { name: 'Annuler' }).click();
  await expect(page).toHaveURL(/\/connexion\?oidc=annulee$/);
  await expect(page.getByRole('alert')).toContainText('La connexion a été annulée');
});

test('a forged answer is refused and a genuine one cannot be replayed', async ({ page, gotoPage }) => {
  // While a sign-in is under way at the provider, an answer with another state arrives.
  await gotoPage('/connexion');
  await page.getByRole('link', { name: 'S’identifier avec Identité Test' }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/interaction/`));
  await page.goto(`/api/oidc/callback?code=forged&state=${'x'.repeat(43)}`);
  await expect(page).toHaveURL(/\/connexion\?oidc=invalide$/);
  await expect(page.getByRole('alert')).toContainText('n’a pas pu être vérifiée');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Se connecter' })).toBeVisible();

  // A genuine answer signs in once; replayed later, it is refused.
  let answer = '';
  page.on('request', (request) => {
    if (request.url().includes('/api/oidc/callback?')) answer = request.url();
  });
  await signInAtProvider(page, gotoPage, person('Mallory', 'Test'));
  await expect(page).toHaveURL(/\/mon-espace$/);
  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  expect(answer).toContain('code=');
  await page.goto(answer);
  await expect(page).toHaveURL(/\/connexion\?oidc=expiree$/);
  await expect(page.getByRole('alert')).toContainText('a expiré ou a déjà servi');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Se connecter' })).toBeVisible();
});
