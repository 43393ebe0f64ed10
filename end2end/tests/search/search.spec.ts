// The site search: the header's box on every page (a plain GET form, with or without
// JavaScript) and /recherche, grouped by kind, accents and misspellings forgiven.
import { test, expect } from '../../fixtures/parvis';

test('the header search finds services and proposals, accents forgiven, grouped by kind', async ({ page, gotoPage }) => {
  await gotoPage('/forum');
  const box = page.getByRole('search', { name: 'Recherche sur tout le site' });
  await box.getByLabel('Rechercher sur le site').fill('ecole');
  await box.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/\/recherche\?q=ecole$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Recherche' })).toBeVisible();
  await expect(page).toHaveTitle(/^« ecole » : \d+ résultats – Recherche – Saint-Aubin-du-Parvis$/);
  await expect(page.getByRole('status')).toContainText('résultats pour « ecole »');
  // The query stays in the page's own form, to be refined.
  await expect(page.getByRole('main').getByLabel('Rechercher sur le site')).toHaveValue('ecole');
  const services = page.getByRole('region', { name: /^Démarches? \(\d+\)$/ });
  const canteen = services.getByRole('link', { name: 'Inscription à la cantine et au périscolaire' });
  await expect(canteen).toBeVisible();
  const proposals = page.getByRole('region', { name: /^Propositions? du forum \(\d+\)$/ });
  await expect(proposals.getByRole('link', { name: 'Végétaliser la cour de l’école des Tilleuls' })).toBeVisible();
  await expect(proposals.locator('time[datetime]').first()).toBeVisible();
  await canteen.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inscription à la cantine et au périscolaire' })).toBeVisible();
});

test('a misspelt word is corrected, and a search that finds nothing says what to do next', async ({ page, gotoPage }) => {
  await gotoPage('/recherche?q=piscne');
  await expect(page.getByRole('status')).toContainText('Aucun résultat pour « piscne » ; 1 résultat pour « piscine »');
  await page.getByRole('link', { name: 'Piscine des Tilleuls' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Piscine des Tilleuls' })).toBeVisible();

  await gotoPage('/recherche');
  const main = page.getByRole('main');
  await expect(main).toContainText('Tapez un ou plusieurs mots');
  await main.getByLabel('Rechercher sur le site').fill('zzxqwv');
  await main.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('status')).toContainText('Aucun résultat pour « zzxqwv »');
  await expect(page).toHaveTitle(/^« zzxqwv » : aucun résultat – Recherche/);
  await main.getByRole('link', { name: 'les équipements et leurs horaires' }).click();
  await expect(page).toHaveURL(/\/equipements$/);
});

test('consultations and the site’s own pages are found, in English too', async ({ page, gotoPage }) => {
  await gotoPage('/recherche?q=rythmes');
  const consultations = page.getByRole('region', { name: /^Consultations? \(\d+\)$/ });
  await expect(consultations.getByRole('link', { name: 'Rythmes scolaires : votre avis' })).toBeVisible();
  await expect(consultations).toContainText('Ouverte jusqu’au');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Consultations? \(\d+\)$/ })).toContainText('Open until');
  const main = page.getByRole('main');
  await main.getByLabel('Search the site').fill('host');
  await main.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('region', { name: /^Site pages? \(\d+\)$/ }).getByRole('link', { name: 'Legal notice' })).toBeVisible();
});
