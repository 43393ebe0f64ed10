// Request journeys: a resident files a canteen registration with an attachment (an HTML
// page renamed .pdf is refused next to its field, everything typed kept), the agent asks
// for information with a template, the resident completes it, the agent accepts, and the
// resident follows it all on the timeline and by mail; an agent files a request for a
// resident who came to the counter. Every page visited by `page` is audited with axe.
import { test, expect, projectContextOptions } from '../../fixtures/parvis';
import { STRONG_PASSWORD, confirmEmail, signIn, signInDemo, signUp } from '../../fixtures/accounts';
import { waitForMailWith } from '../../fixtures/mail';
import type { Browser, Page, TestInfo } from '@playwright/test';

const PDF = {
  name: 'justificatif-domicile.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1'),
};
const FAKE_PDF = {
  name: 'facture.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'),
};

async function newTab(browser: Browser, baseURL: string | undefined, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext(projectContextOptions(testInfo, baseURL));
  return context.newPage();
}

test('a resident files a canteen registration, completes it on request, and follows it to acceptance', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  const child = `Lou ${testInfo.project.name} ${Date.now()}`;
  // A resident of the day (signed up in another tab, so that only the pages of this
  // journey are audited).
  const signup = await newTab(browser, baseURL, testInfo);
  const email = await signUp(signup, 'Sacha Parent');
  await confirmEmail(signup, email);
  await signup.context().close();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);

  // The catalogue, searched.
  await gotoPage('/demarches');
  await page.getByLabel('Rechercher une démarche').fill('cantine');
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 démarche trouvée' })).toBeVisible();
  await page.getByRole('link', { name: 'Inscription à la cantine et au périscolaire' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inscription à la cantine et au périscolaire' })).toBeVisible();
  await expect(page.getByText('Un justificatif de domicile de moins de trois mois.')).toBeVisible();
  await page.getByRole('button', { name: 'Commencer ma demande' }).click();
  await expect(page).toHaveURL(/\/mon-espace\/demandes\/\d+\/formulaire$/);
  const form = page.url();

  // A first try with an HTML page named .pdf and the box left unticked.
  await page.getByLabel('Prénom et nom de l’enfant').fill(child);
  await page.getByLabel('Date de naissance').fill('2019-09-14');
  await page.getByRole('group', { name: /^École/ }).getByLabel('École des Tilleuls').check();
  await page.getByRole('group', { name: /^Jours de cantine/ }).getByLabel('Lundi').check();
  await page.getByRole('group', { name: /^Jours de cantine/ }).getByLabel('Jeudi').check();
  await page.getByRole('group', { name: /allergie alimentaire/ }).getByLabel('Non', { exact: true }).check();
  await page.getByLabel('Justificatif de domicile').setInputFiles(FAKE_PDF);
  await page.getByRole('button', { name: 'Déposer ma demande' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByRole('alert').getByRole('link', { name: /Seuls les fichiers PDF/ })).toBeVisible();
  await expect(page.getByLabel('Justificatif de domicile')).toHaveAccessibleDescription(/Seuls les fichiers PDF, JPEG et PNG/);
  await expect(page.getByLabel(/Je certifie/)).toHaveAccessibleDescription(/obligatoire/);
  // Everything typed is still there.
  await expect(page.getByLabel('Prénom et nom de l’enfant')).toHaveValue(child);
  await expect(page.getByRole('group', { name: /^Jours de cantine/ }).getByLabel('Jeudi')).toBeChecked();
  await expect(page.getByRole('group', { name: /allergie alimentaire/ }).getByLabel('Non', { exact: true })).toBeChecked();

  // Corrected: submitted, with a tracking number and an acknowledgement by mail.
  await page.getByLabel('Justificatif de domicile').setInputFiles(PDF);
  await page.getByLabel(/Je certifie/).check();
  await page.getByRole('button', { name: 'Déposer ma demande' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre demande est déposée' })).toBeVisible();
  const heading = await page.getByRole('heading', { level: 1 }).textContent();
  const reference = heading!.match(/\d{4}-\d{6}/)![0];
  const requestPage = new URL(page.url()).pathname;
  await expect(page.getByRole('link', { name: 'justificatif-domicile.pdf' })).toBeVisible();
  await waitForMailWith(email, new RegExp(reference), 'a bien reçu votre demande');

  // Another resident cannot open it.
  const other = await newTab(browser, baseURL, testInfo);
  await signInDemo(other, 'yanis');
  await other.goto(requestPage);
  await expect(other.getByRole('alert')).toContainText('introuvable');
  await other.context().close();

  // The agent asks for information with a template, and leaves an internal note.
  const agent = await newTab(browser, baseURL, testInfo);
  await signInDemo(agent, 'agent');
  await agent.goto('/guichet');
  await agent.getByRole('link', { name: 'Inscription à la cantine et au périscolaire' }).click();
  await agent.getByLabel('Numéro de suivi ou nom').fill(reference);
  await agent.getByRole('button', { name: 'Filtrer' }).click();
  await expect(agent.getByRole('status').filter({ hasText: '1 demande' })).toBeVisible();
  await agent.getByRole('link', { name: reference }).click();
  await expect(agent.getByRole('heading', { level: 1, name: new RegExp(reference) })).toBeVisible();
  await agent.getByLabel('Nouveau statut').selectOption({ label: 'Informations demandées' });
  await agent.getByRole('button', { name: 'Appliquer' }).click();
  await expect(agent.getByLabel('Message à l’habitant')).toHaveAccessibleDescription(/Écrivez un message/);
  await agent.getByLabel('Modèle de message').selectOption({ label: 'Pièce manquante' });
  await agent.getByRole('button', { name: 'Utiliser ce modèle' }).click();
  await expect(agent.getByLabel('Message à l’habitant')).toHaveValue(/merci d’ajouter la pièce suivante/);
  await agent.getByLabel('Message à l’habitant').fill('Merci d’ajouter le projet d’accueil individualisé si besoin, et de confirmer les jours.');
  await agent.getByLabel('Nouveau statut').selectOption({ label: 'Informations demandées' });
  await agent.getByRole('button', { name: 'Appliquer' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'C’est enregistré.' })).toBeVisible();
  await agent.getByLabel('Note', { exact: true }).fill('Famille connue du service, rappeler si besoin.');
  await agent.getByRole('button', { name: 'Ajouter la note' }).click();
  await expect(agent.getByText('Famille connue du service')).toBeVisible();

  // The resident is told, completes the form and sends it back.
  await waitForMailWith(email, new RegExp(reference), 'Informations demandées');
  await gotoPage(requestPage);
  await expect(page.getByText('Merci d’ajouter le projet d’accueil individualisé')).toBeVisible();
  await expect(page.getByText('Famille connue du service')).toHaveCount(0);
  await page.getByRole('link', { name: 'Compléter ma demande' }).click();
  await expect(page.getByLabel('Prénom et nom de l’enfant')).toHaveValue(child);
  await page.getByRole('group', { name: /^Jours de cantine/ }).getByLabel('Vendredi').check();
  await page.getByRole('button', { name: 'Déposer ma demande' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre demande est déposée' })).toBeVisible();
  await expect(page.getByText('Lundi, Jeudi, Vendredi')).toBeVisible();

  // The agent accepts; the resident sees it on the timeline and in a mail.
  await agent.reload();
  await agent.getByLabel('Nouveau statut').selectOption({ label: 'Acceptée' });
  await agent.getByLabel('Message à l’habitant').fill('Inscription validée à partir du 4 janvier.');
  await agent.getByRole('button', { name: 'Appliquer' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'C’est enregistré.' })).toBeVisible();
  await agent.context().close();
  await waitForMailWith(email, new RegExp(reference), 'Inscription validée à partir du 4 janvier.');
  await gotoPage(requestPage);
  await expect(page.locator('.meta .badge').first()).toHaveText('Acceptée');
  await expect(page.locator('.timeline')).toContainText('Inscription validée à partir du 4 janvier.');
  await gotoPage('/mon-espace');
  await expect(page.getByRole('link', { name: new RegExp(reference) })).toBeVisible();
});

test('an agent files a request for a resident who came to the counter', async ({ page, gotoPage }, testInfo) => {
  test.setTimeout(120_000);
  const resident = `Jeanne Roux ${testInfo.project.name} ${Date.now()}`;
  await signInDemo(page, 'agent');
  await gotoPage('/guichet');
  await page.getByRole('link', { name: 'Copie ou extrait d’acte de naissance' }).click();
  await page.getByRole('link', { name: 'Saisir une demande pour un habitant' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Saisir une demande pour un habitant' })).toBeVisible();
  // Without a channel nor a way to reach the resident: refused next to the fields.
  await page.getByRole('button', { name: 'Continuer vers le formulaire' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Canal')).toHaveAccessibleDescription(/obligatoire/);
  await page.getByLabel('Canal').selectOption({ label: 'Au guichet' });
  await page.getByLabel('Nom de l’habitant (sans compte)').fill(resident);
  await page.getByLabel('Téléphone de l’habitant').fill('01 23 45 67 89');
  await page.getByRole('button', { name: 'Continuer vers le formulaire' }).click();
  await expect(page).toHaveURL(/\/guichet\/demandes\/\d+\/formulaire$/);
  await expect(page.getByText(`Demande pour ${resident}, reçue Au guichet.`)).toBeVisible();
  await page.getByLabel('Nom et prénoms de la personne concernée').fill(resident);
  await page.getByLabel('Date de naissance').fill('1961-02-28');
  await page.getByRole('group', { name: /^Type de document/ }).getByLabel('Extrait avec filiation').check();
  await page.getByRole('group', { name: /^Vous êtes/ }).getByLabel('La personne concernée').check();
  await page.getByLabel('Numéro et voie').fill('3 place de l’Église');
  await page.getByLabel('Code postal').fill('27320');
  await page.getByLabel('Commune', { exact: true }).fill('Saint-Aubin-du-Parvis');
  await page.getByRole('button', { name: 'Déposer ma demande' }).click();
  await expect(page).toHaveURL(/\/guichet\/demandes\/\d+\?deposee=1$/);
  await expect(page.locator('.facts .badge')).toHaveText('Déposée');
  await expect(page.getByText('Au guichet')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Consultations du dossier' })).toBeVisible();
  // It is in the queue, found by name; the statistics count it.
  await page.getByRole('link', { name: 'File des demandes' }).click();
  await page.getByLabel('Numéro de suivi ou nom').fill(resident.toLowerCase());
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByRole('cell', { name: resident })).toBeVisible();
  await page.getByRole('link', { name: 'Statistiques' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Demandes par statut' })).toBeVisible();
  await expect(page.getByRole('row', { name: /^Déposée \d+/ })).toBeVisible();
});
