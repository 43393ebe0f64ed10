// The forum's proposals: browsing with filters and French search, proposing an idea with
// errors shown next to the fields, supporting it and withdrawing the support.
import { test, expect } from '../../fixtures/parvis';
import { confirmEmail, DEMO, DEMO_PASSWORD, signIn, signUp } from '../../fixtures/accounts';

const SCHOOL = 'Végétaliser la cour de l’école des Tilleuls';
const ZONE_30 = 'Une zone 30 rue de la République';

test('a visitor browses, searches and filters the proposals', async ({ page, gotoPage }) => {
  await gotoPage('/forum');
  await expect(page.getByRole('heading', { level: 1, name: 'Forum des propositions' })).toBeVisible();
  // Other journeys publish proposals at the same time: the demo ones may be past the
  // first page, so they are found through the search and the filters below.
  await expect(page.getByRole('link', { name: 'télécharger au format CSV' })).toHaveAttribute('href', '/forum/export.csv');

  // French search: the plural finds the singular.
  await page.getByLabel('Mots recherchés').fill('écoles');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page).toHaveURL(/[?&]q=/);
  await expect(page.getByRole('link', { name: SCHOOL })).toBeVisible();
  await expect(page.getByRole('link', { name: ZONE_30 })).toHaveCount(0);

  await page.getByLabel('Mots recherchés').fill('');
  await page.getByLabel('Thème').selectOption({ label: 'Voirie et mobilités' });
  await page.getByLabel('Ordre').selectOption({ label: 'Les plus soutenues' });
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page).toHaveURL(/theme=mobilites/);
  await expect(page.getByRole('link', { name: ZONE_30 })).toBeVisible();
  await expect(page.getByRole('link', { name: SCHOOL })).toHaveCount(0);
  await expect(page.getByLabel('Thème')).toHaveValue('mobilites');

  await page.getByRole('link', { name: ZONE_30 }).click();
  await expect(page.getByRole('heading', { level: 1, name: ZONE_30 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Par Yanis Benali');
  await expect(page.getByRole('link', { name: 'Connectez-vous pour soutenir cette proposition.' })).toBeVisible();
  // Its date in Paris time and in words; the exact instant is in the <time> element.
  await expect(page.getByRole('main')).toContainText(
    /Publiée (le \p{L}+ \d+(er)? \p{L}+ \d{4} à \d+ h \d{2}|il y a \d+ minutes?|aujourd’hui à|hier à|à l’instant)/u,
  );
  await expect(page.getByRole('main').locator('time').first()).toHaveAttribute(
    'datetime',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/,
  );

  // Signing in from the page comes back to it.
  const proposal = page.url();
  await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).click();
  await page.getByLabel('Adresse électronique').fill(DEMO.yanis);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page).toHaveURL(proposal);
  await expect(page.getByRole('heading', { level: 1, name: ZONE_30 })).toBeVisible();
});

test('a resident proposes an idea, fixes the errors, then supports it', async ({ page, gotoPage }) => {
  await gotoPage('/forum/proposer');
  await expect(page.getByText('Connectez-vous pour proposer une idée.')).toBeVisible();

  const email = await signUp(page, 'Lucie');
  await confirmEmail(page, email);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/mon-espace$/);

  await gotoPage('/forum/proposer');
  const body = 'Installer des **nichoirs** avec la LPO.\n\n<script>alert(1)</script>';
  await page.getByLabel('Titre').fill('Bof');
  await page.getByLabel('Description').fill(body);
  await page.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Titre')).toHaveAccessibleDescription(/au moins 5 caractères/);
  await expect(page.getByLabel('Thème')).toHaveAccessibleDescription(/obligatoire/);
  await expect(page.getByLabel('Description')).toHaveValue(body);

  const title = `Des nichoirs au parc ${Date.now()}`;
  await page.getByLabel('Titre').fill(title);
  await page.getByLabel('Thème').selectOption({ label: 'Environnement et espaces verts' });
  await page.getByLabel('Quartier').selectOption({ label: 'Le Moulin' });
  await page.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(page).toHaveURL(/\/forum\/propositions\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.locator('.prose strong')).toHaveText('nichoirs');
  await expect(page.locator('.prose script')).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText('aucun soutien');

  await page.getByRole('button', { name: 'Soutenir cette proposition' }).click();
  await expect(page.getByText('Vous soutenez cette proposition.')).toBeVisible();
  await expect(page.getByRole('main')).toContainText('1 soutien');
  await page.getByRole('button', { name: 'Retirer mon soutien' }).click();
  await expect(page.getByRole('button', { name: 'Soutenir cette proposition' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('aucun soutien');

  await gotoPage('/forum?q=nichoirs');
  await expect(page.getByRole('link', { name: title })).toBeVisible();
});
