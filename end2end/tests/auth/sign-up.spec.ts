import { test, expect, projectContextOptions } from '../../fixtures/parvis';
import { confirmEmail, signIn, signUp, STRONG_PASSWORD } from '../../fixtures/accounts';
import { linkIn, mailsTo, uniqueEmail, waitForMail } from '../../fixtures/mail';

test('a resident signs up, confirms the address, signs in and signs out', async ({ page, context }) => {
  const email = await signUp(page, 'Léa Dupont');
  await confirmEmail(page, email);

  await signIn(page, email);
  await expect(page).toHaveURL(/\/mon-espace$/);
  const header = page.getByRole('banner');
  await expect(header).toContainText('Connecté·e : Léa Dupont');

  const cookie = (await context.cookies()).find((c) => c.name === 'parvis_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');

  await header.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Se connecter' })).toBeVisible();
  // The old session id is gone for good.
  expect((await context.cookies()).find((c) => c.name === 'parvis_session')).toBeUndefined();
});

test('an unconfirmed account cannot sign in and gets its link again', async ({ page }) => {
  const email = await signUp(page, 'Hugo');
  await signIn(page, email);
  await expect(page).toHaveURL(/\/connexion/);
  await expect(page.getByLabel('Adresse électronique')).toHaveAccessibleDescription(/pas encore confirmée/);
  await waitForMail(email, /Confirmez votre adresse/, 2);
});

test('bad input is explained next to each field and what was typed stays', async ({ page }) => {
  await page.goto('/inscription');
  await page.getByLabel('Nom affiché').fill('Camille');
  await page.getByLabel('Adresse électronique').fill('camille-at-example.org');
  await page.getByLabel('Mot de passe').fill('azertyuiop12');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();

  await expect(page).toHaveTitle(/^Erreur : Créer un compte/);
  await expect(page.getByRole('alert')).toContainText('Certains champs sont à corriger');
  // The alert names each field to correct, and its link leads to the field.
  const toEmail = page.getByRole('alert').getByRole('link', { name: /^Adresse électronique : Saisissez une adresse électronique valide/ });
  await expect(toEmail).toHaveAttribute('href', '#champ-email');
  const email = page.getByLabel('Adresse électronique');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/Saisissez une adresse électronique valide/);
  await expect(email).toHaveValue('camille-at-example.org');
  await expect(page.getByLabel('Nom affiché')).toHaveValue('Camille');
  await expect(page.getByLabel('Mot de passe')).toHaveValue('');

  // A well-formed address with a guessable password: only the password is refused.
  await email.fill(uniqueEmail('weak'));
  await page.getByLabel('Mot de passe').fill('motdepasse2026');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByLabel('Mot de passe')).toHaveAccessibleDescription(/trop facile à deviner/);
  await expect(page.getByLabel('Adresse électronique')).not.toHaveAttribute('aria-invalid', 'true');
});

test('signing up with a taken address answers the same and warns its owner', async ({ page }) => {
  const email = await signUp(page, 'Première');
  await confirmEmail(page, email);
  await signUp(page, 'Usurpateur', email);
  await waitForMail(email, /Votre compte sur le portail/);
  expect((await mailsTo(email)).filter((m) => /Confirmez/.test(m.subject))).toHaveLength(1);
});

test('a wrong password and an unknown address get the same answer', async ({ page }) => {
  await signIn(page, 'camille.martin@example.org', 'pas le bon mot de passe');
  const known = await page.getByRole('alert').textContent();
  await expect(page.getByLabel('Adresse électronique')).toHaveAccessibleDescription('Adresse électronique ou mot de passe incorrect.');
  await signIn(page, uniqueEmail('nobody'), STRONG_PASSWORD);
  await expect(page.getByLabel('Adresse électronique')).toHaveAccessibleDescription('Adresse électronique ou mot de passe incorrect.');
  expect(await page.getByRole('alert').textContent()).toBe(known);
});

test('a stranger who signed up with my address loses their password when I confirm it', async ({ page, browser, baseURL }, testInfo) => {
  // Someone else signs up first with the resident's address, in their own browser.
  const stranger = await browser.newContext(projectContextOptions(testInfo, baseURL));
  const strangerPage = await stranger.newPage();
  const email = await signUp(strangerPage, 'Quelqu’un');

  // The resident follows the confirmation link she received, in her browser.
  const mail = await waitForMail(email, /Confirmez votre adresse/);
  await page.goto(linkIn(mail, '/verifier-email'));
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choisir un nouveau mot de passe' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('le mot de passe choisi à l’inscription ne vaut plus');
  const hers = 'Ma propre phrase de passe pour la mairie';
  await page.getByLabel('Nouveau mot de passe').fill(hers);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('status')).toContainText('Votre mot de passe a été changé');

  // The stranger's password no longer opens the account; hers does.
  await signIn(strangerPage, email);
  await expect(strangerPage.getByLabel('Adresse électronique')).toHaveAccessibleDescription('Adresse électronique ou mot de passe incorrect.');
  await stranger.close();
  await signIn(page, email, hers);
  await expect(page).toHaveURL(/\/mon-espace$/);
});
