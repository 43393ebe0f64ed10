import { test, expect } from '../../fixtures/parvis';
import { confirmEmail, signIn, signUp, STRONG_PASSWORD } from '../../fixtures/accounts';
import { linkIn, uniqueEmail, waitForMail } from '../../fixtures/mail';

test('a resident renames themself, changes address (which signs other browsers out) and password, and ends other sessions', async ({ page, browser, baseURL }) => {
  // A long journey: a dozen pages, each audited with axe afterwards.
  test.slow();
  const email = await signUp(page, 'Maëlle');
  await confirmEmail(page, email);

  // A second browser signed in to the same account.
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, email);
  await expect(otherPage).toHaveURL(/\/mon-espace$/);

  await signIn(page, email);
  await page.getByRole('banner').getByRole('link', { name: 'Mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();

  const nameSection = page.getByRole('region', { name: 'Nom affiché' });
  await nameSection.getByLabel('Nom affiché').fill('');
  await nameSection.getByRole('button', { name: 'Enregistrer le nom' }).click();
  await expect(page.getByRole('region', { name: 'Nom affiché' }).getByLabel('Nom affiché')).toHaveAccessibleDescription(/Indiquez le nom à afficher/);
  await page.getByRole('region', { name: 'Nom affiché' }).getByLabel('Nom affiché').fill('Maëlle R.');
  await page.getByRole('region', { name: 'Nom affiché' }).getByRole('button', { name: 'Enregistrer le nom' }).click();
  await expect(page.getByRole('status')).toContainText('Modification enregistrée');
  await expect(page.getByRole('banner')).toContainText('Connecté·e : Maëlle R.');

  // New address: nothing changes until the link mailed to it is followed.
  const newEmail = uniqueEmail('moved');
  const emailSection = page.getByRole('region', { name: 'Adresse électronique' });
  await emailSection.getByLabel('Nouvelle adresse électronique').fill(newEmail);
  await emailSection.getByLabel('Mot de passe actuel').fill(STRONG_PASSWORD);
  await emailSection.getByRole('button', { name: 'Changer d’adresse' }).click();
  await expect(page.getByRole('status')).toContainText('Un lien de confirmation a été envoyé');
  await page.goto(linkIn(await waitForMail(newEmail, /Confirmez votre nouvelle adresse/), '/confirmer-adresse'));
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect(page.getByRole('status')).toContainText('Votre nouvelle adresse est confirmée');
  await expect(page.getByRole('region', { name: 'Adresse électronique' })).toContainText(newEmail);

  // Changing the address ended the other browser's session (and revoked every link).
  await otherPage.goto('/mon-compte');
  await expect(otherPage.getByRole('link', { name: 'Se connecter' }).first()).toBeVisible();
  await signIn(otherPage, newEmail);
  await expect(otherPage).toHaveURL(/\/mon-espace$/);

  // Two sessions are listed; signing out elsewhere ends the other browser's.
  await page.goto('/mon-compte');
  const sessions = page.getByRole('region', { name: 'Sessions ouvertes' });
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await sessions.getByRole('button', { name: 'Me déconnecter de tous les autres navigateurs' }).click();
  await expect(page.getByRole('status')).toContainText('déconnecté·e de tous vos autres navigateurs');
  await otherPage.goto('/mon-compte');
  await expect(otherPage.getByRole('link', { name: 'Se connecter' }).first()).toBeVisible();
  await other.close();

  // Password change: the current password is checked first.
  const passwordSection = page.getByRole('region', { name: 'Mot de passe' });
  await passwordSection.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
  await passwordSection.getByLabel('Nouveau mot de passe').fill('Un nouveau départ pour le marché du samedi');
  await passwordSection.getByRole('button', { name: 'Changer de mot de passe' }).click();
  await expect(page.getByRole('region', { name: 'Mot de passe' }).getByLabel('Mot de passe actuel')).toHaveAccessibleDescription(/incorrect/);
  await page.getByRole('region', { name: 'Mot de passe' }).getByLabel('Mot de passe actuel').fill(STRONG_PASSWORD);
  await page.getByRole('region', { name: 'Mot de passe' }).getByLabel('Nouveau mot de passe').fill('Un nouveau départ pour le marché du samedi');
  await page.getByRole('region', { name: 'Mot de passe' }).getByRole('button', { name: 'Changer de mot de passe' }).click();
  await expect(page.getByRole('status')).toContainText('Votre mot de passe a été changé');

  await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
  await signIn(page, newEmail, 'Un nouveau départ pour le marché du samedi');
  await expect(page).toHaveURL(/\/mon-espace$/);
});

test('the profile page asks a signed-out visitor to sign in first', async ({ page }) => {
  await page.goto('/mon-compte');
  await expect(page.getByRole('alert')).toContainText('Connectez-vous pour continuer');
  await page.getByRole('main').getByRole('link', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/connexion\?suite=/);
});
