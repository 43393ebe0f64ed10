import { test, expect } from '../../fixtures/parvis';
import { confirmEmail, signIn, signUp } from '../../fixtures/accounts';
import { linkIn, mailsTo, uniqueEmail, waitForMail } from '../../fixtures/mail';

test('a forgotten password is replaced through a single-use link', async ({ page }) => {
  const email = await signUp(page, 'Inès');
  await confirmEmail(page, email);

  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre messagerie' })).toBeVisible();

  const link = linkIn(await waitForMail(email, /Nouveau mot de passe/), '/nouveau-mot-de-passe');
  await page.goto(link);
  await page.getByLabel('Nouveau mot de passe').fill('court');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByLabel('Nouveau mot de passe')).toHaveAccessibleDescription(/au moins 12 caractères/);

  const newPassword = 'Trois hérons sur le canal du moulin';
  await page.getByLabel('Nouveau mot de passe').fill(newPassword);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('status')).toContainText('Votre mot de passe a été changé');

  await signIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/mon-espace$/);

  // The link served once.
  await page.goto(link);
  await page.getByLabel('Nouveau mot de passe').fill('Encore une autre phrase de passe');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('alert')).toContainText('Ce lien n’est plus valable');
});

test('a resident signs in with a magic link, which works once', async ({ page }) => {
  const email = await signUp(page, 'Noé');
  await confirmEmail(page, email);

  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Recevoir un lien de connexion par courriel' }).click();
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre messagerie' })).toBeVisible();

  const link = linkIn(await waitForMail(email, /Votre lien de connexion/), '/connexion/lien');
  await page.goto(link);
  await page.getByRole('main').getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/mon-espace$/);
  await expect(page.getByRole('banner')).toContainText('Connecté·e : Noé');

  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
  await page.goto(link);
  await page.getByRole('main').getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Ce lien n’est plus valable');
});

test('asking a link for an unknown address answers the same and sends nothing', async ({ page }) => {
  const email = uniqueEmail('unknown');
  await page.goto('/mot-de-passe-oublie');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre messagerie' })).toBeVisible();
  await page.waitForTimeout(1000);
  expect(await mailsTo(email)).toHaveLength(0);
});
