import { test, expect } from '../../fixtures/parvis';

const pages = [
  { link: 'Mentions légales', url: /\/mentions-legales$/, heading: 'Mentions légales', text: 'Directeur ou directrice de la publication' },
  { link: 'Accessibilité : non conforme', url: /\/accessibilite$/, heading: 'Déclaration d’accessibilité', text: 'Défenseur des droits' },
  { link: 'Données personnelles', url: /\/donnees-personnelles$/, heading: 'Données personnelles', text: 'CNIL' },
  { link: 'Contact du DPO', url: /\/contact-dpo$/, heading: 'Contact du délégué à la protection des données', text: 'dpo@saint-aubin-du-parvis.example' },
  { link: 'Conditions d’utilisation', url: /\/conditions-utilisation$/, heading: 'Conditions d’utilisation', text: 'Mes données personnelles' },
];

for (const p of pages) {
  test(`the footer leads to « ${p.heading} »`, async ({ page, gotoPage }) => {
    await gotoPage('/');
    const footer = page.getByRole('contentinfo');
    await footer.getByRole('link', { name: p.link }).click();
    await expect(page).toHaveURL(p.url);
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByRole('main')).toContainText(p.text);
    await expect(page).toHaveTitle(new RegExp(`^${p.heading} – Saint-Aubin-du-Parvis$`));
  });
}

test('the DPO can be written to from the DPO page', async ({ page, gotoPage }) => {
  await gotoPage('/contact-dpo');
  await expect(page.getByRole('link', { name: 'dpo@saint-aubin-du-parvis.example' })).toHaveAttribute(
    'href',
    'mailto:dpo@saint-aubin-du-parvis.example',
  );
});
