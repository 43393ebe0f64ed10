import { test, expect } from '../../fixtures/parvis';
import { confirmEmail, signIn, signUp } from '../../fixtures/accounts';

const ADMIN = 'admin@saint-aubin-du-parvis.example';
const DEMO_PASSWORD = 'demo-parvis-2026';

test('an administrator grants the agent role, which is logged', async ({ page, browser, baseURL }) => {
  const resident = await browser.newContext({ baseURL });
  const residentPage = await resident.newPage();
  const email = await signUp(residentPage, 'Futur agent');
  await confirmEmail(residentPage, email);
  await resident.close();

  await signIn(page, ADMIN, DEMO_PASSWORD);
  await page.getByRole('banner').getByRole('link', { name: 'Administration', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Personnes et rôles' })).toBeVisible();
  await page.getByLabel('Rechercher par nom ou adresse électronique').fill(email);
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: /Accorder le rôle agent/ }).click();

  const updated = page.getByRole('row').filter({ hasText: email });
  await expect(updated.getByRole('cell').nth(1)).toHaveText('agent');
  await expect(updated.getByRole('button', { name: /Retirer le rôle agent/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Journal des changements de rôle' })).toContainText(`${ADMIN} — a accordé le rôle « agent » — ${email}`);

  // The audit log has it too, with the administrator's identity; filtered by area.
  await page.getByRole('banner').getByRole('link', { name: 'Journal d’audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journal d’audit' })).toBeVisible();
  const granted = page.getByRole('row').filter({ hasText: email }).filter({ hasText: 'role_granted' });
  await expect(granted.first()).toContainText(ADMIN);
  await page.getByLabel('Domaine').selectOption({ label: 'Comptes et rôles' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/domaine=comptes/);
  await expect(page.getByRole('row').filter({ hasText: email }).first()).toBeVisible();
  await page.getByLabel('Domaine').selectOption({ label: 'Modération' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/domaine=moderation/);
  await expect(page.getByRole('row').filter({ hasText: 'role_granted' })).toHaveCount(0);
});

test('a resident cannot open the administration pages', async ({ page }) => {
  await signIn(page, 'yanis.benali@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Administration', exact: true })).toHaveCount(0);
  const response = await page.goto('/admin/personnes');
  expect(response?.status()).toBe(403);
  const audit = await page.goto('/admin/journal');
  expect(audit?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('Vous n’avez pas accès à ce contenu');
});
