// Privacy-centre journeys (RGPD): a resident downloads everything held about them as a
// ZIP and withdraws a consent; a resident erases their account, keeping their proposal
// under a pseudonym; a resident sees which agent opened their request. Every page
// visited by `page` is audited with axe.
import { test, expect, jsEnabled, projectContextOptions } from '../../fixtures/parvis';
import { STRONG_PASSWORD, confirmEmail, signIn, signInDemo, signUp } from '../../fixtures/accounts';
import { waitForMail } from '../../fixtures/mail';
import type { Browser, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

async function newTab(browser: Browser, baseURL: string | undefined, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext(projectContextOptions(testInfo, baseURL));
  return context.newPage();
}

/** A confirmed resident of the day, signed in on `page` (signed up in another tab). */
async function newResident(page: Page, browser: Browser, baseURL: string | undefined, testInfo: TestInfo, name: string) {
  const signup = await newTab(browser, baseURL, testInfo);
  const email = await signUp(signup, name);
  await confirmEmail(signup, email);
  await signup.context().close();
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);
  return email;
}

test('a resident downloads their data as a ZIP and withdraws a consent', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const email = await newResident(page, browser, baseURL, testInfo, 'Inès Export');
  await page.getByRole('link', { name: 'Mes données personnelles' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mes données personnelles' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Ce que nous détenons' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'Démarches' })).toBeVisible();

  // The export is prepared in the background: the hydrated page follows it by itself,
  // without JavaScript the resident refreshes.
  await page.getByRole('button', { name: 'Préparer l’export' }).click();
  const download = page.getByRole('link', { name: 'Télécharger mes données' });
  await expect(async () => {
    if (!jsEnabled(testInfo) && (await download.count()) === 0) {
      await page.getByRole('link', { name: 'Actualiser l’état' }).click();
    }
    await expect(download).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const href = await download.getAttribute('href');
  const zip = await page.request.get(href!);
  expect(zip.status()).toBe(200);
  expect(zip.headers()['content-type']).toBe('application/zip');
  const bytes = await zip.body();
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(bytes.includes(Buffer.from('compte.json'))).toBe(true);
  await waitForMail(email, /Vos données sont prêtes/);
  // Nobody else gets it.
  const other = await newTab(browser, baseURL, testInfo);
  await signInDemo(other, 'yanis');
  expect((await other.request.get(href!)).status()).toBe(404);
  await other.context().close();

  // A consent withdrawn, then given back: both are in the history.
  await page.getByRole('button', { name: /^Retirer : Résumé quotidien/ }).click();
  await expect(page).toHaveURL(/#consentements$/);
  const consents = page.locator('.consents');
  await expect(consents).toContainText('Résumé quotidien par courriel des propositions suivies : refusé');
  const history = page.getByRole('table', { name: 'Historique de vos choix' });
  await expect(history.getByRole('row').filter({ hasText: 'refusé' })).toHaveCount(1);
  await page.getByRole('button', { name: /^Accepter : Résumé quotidien/ }).click();
  await expect(consents).toContainText('Résumé quotidien par courriel des propositions suivies : accepté');
  await expect(history.getByRole('row').filter({ hasText: 'Conditions d’utilisation' })).toHaveCount(1);
});

test('a resident erases their account and their proposal stays under a pseudonym', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const email = await newResident(page, browser, baseURL, testInfo, 'Oscar Effacé');
  await gotoPage('/forum/proposer');
  const title = `Un composteur partagé ${testInfo.project.name} ${Date.now()}`;
  await page.getByLabel('Titre').fill(title);
  await page.getByLabel('Thème').selectOption({ label: 'Environnement et espaces verts' });
  await page.getByLabel('Description').fill('Un composteur au pied des immeubles du Moulin.');
  await page.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(page).toHaveURL(/\/forum\/propositions\/\d+$/);
  const proposal = new URL(page.url()).pathname;
  await expect(page.getByRole('main')).toContainText('Oscar Effacé');

  // Asked without choosing: the errors are next to the fields.
  await gotoPage('/mon-espace/donnees');
  await page.getByRole('button', { name: 'Demander l’effacement' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByRole('group', { name: 'Vos contributions publiques au forum' }))
    .toHaveAccessibleDescription(/Choisissez ce que deviennent vos contributions/);
  await expect(page.getByLabel('Je veux que mon compte soit effacé')).toHaveAccessibleDescription(/Cochez la case/);

  // Asked, told by mail, cancelled, asked again.
  await page.getByLabel('Garder mes propositions et commentaires, signés « ancien participant »').check();
  await page.getByLabel('Je veux que mon compte soit effacé').check();
  await page.getByRole('button', { name: 'Demander l’effacement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre compte sera effacé le' })).toBeVisible();
  await waitForMail(email, /Votre compte sera effacé/);
  await page.getByRole('button', { name: 'Annuler l’effacement' }).click();
  await expect(page.getByRole('button', { name: 'Demander l’effacement' })).toBeVisible();
  await page.getByLabel('Garder mes propositions et commentaires, signés « ancien participant »').check();
  await page.getByLabel('Je veux que mon compte soit effacé').check();
  await page.getByRole('button', { name: 'Demander l’effacement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre compte sera effacé le' })).toBeVisible();

  // The cooling-off period cannot be waited for here: the DPO's command carries the
  // erasure out at once, as the server's job does when the period ends.
  execFileSync(process.env.PARVIS_BIN!, ['user', 'erase', '--email', email, '--mode', 'pseudonymise'], {
    cwd: path.resolve(__dirname, '../../..'),
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${process.env.PARVIS_E2E_DATA}/parvis.db`,
      PARVIS_LOG: 'warn',
    },
  });
  await gotoPage(proposal);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('ancien participant');
  await expect(page.getByRole('main')).not.toContainText('Oscar Effacé');
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/connexion/);
});

test('a resident sees which agent opened their request', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  const agent = await newTab(browser, baseURL, testInfo);
  await signInDemo(agent, 'agent');
  await agent.goto('/guichet');
  await agent.getByRole('link', { name: 'Inscription à la médiathèque' }).click();
  await agent.getByRole('link', { name: /\d{4}-\d{6}/ }).first().click();
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText(/\d{4}-\d{6}/);
  await agent.context().close();

  await signInDemo(page, 'yanis');
  await gotoPage('/mon-espace/donnees#acces');
  const accesses = page.getByRole('table', { name: 'Qui a ouvert mes dossiers' });
  await expect(accesses.getByRole('row').filter({ hasText: 'Agnès Roussel (état civil)' }).first()).toBeVisible();
  await expect(accesses).toContainText('Inscription à la médiathèque');
});

test('a resident writes to the DPO, who answers from the queue before the deadline', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const email = await newResident(page, browser, baseURL, testInfo, 'Léon Droits');
  await gotoPage('/contact-dpo');
  // Sent without choosing: the error is next to the field, the message is kept.
  const message = `Merci de corriger l’orthographe de mon nom (${testInfo.project.name} ${Date.now()}).`;
  await expect(page.getByLabel('Nom', { exact: true })).toHaveValue('Léon Droits');
  await expect(page.getByLabel('Adresse électronique')).toHaveValue(email);
  await page.getByLabel('Votre demande').fill(message);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Objet de la demande')).toHaveAccessibleDescription(/Choisissez l’objet/);
  await expect(page.getByLabel('Votre demande')).toHaveValue(message);
  await page.getByLabel('Objet de la demande').selectOption({ label: 'Corriger mes données' });
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  const sent = page.getByRole('status').filter({ hasText: /Votre demande n° \d+ est enregistrée/ });
  await expect(sent).toBeVisible();
  const number = (await sent.textContent())!.match(/n° (\d+)/)![1];
  await waitForMail(email, new RegExp(`Votre demande n° ${number}`));

  // The administrator answers from the queue, where the deadline shows.
  const admin = await newTab(browser, baseURL, testInfo);
  await signInDemo(admin, 'admin');
  await admin.goto('/admin/donnees');
  const card = admin.locator(`#demande-${number}`);
  await expect(card).toContainText(message);
  await expect(card).toContainText('Réponse attendue au plus tard le');
  await admin.getByLabel(`Réponse à la demande n° ${number}`).fill('C’est corrigé sur votre compte et vos demandes.');
  await admin.locator('li', { has: card }).getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect(admin.locator(`#demande-${number}`)).toContainText('Répondue le');
  await admin.context().close();

  // The resident reads it by mail and in their privacy centre.
  await waitForMail(email, new RegExp(`Réponse à votre demande n° ${number}`));
  await gotoPage('/mon-espace/donnees#dpo');
  await expect(page.locator(`#demande-${number}`)).toContainText('C’est corrigé sur votre compte et vos demandes.');
});

test('the processing register is public and summarised on the personal data page', async ({ page, gotoPage }) => {
  await gotoPage('/donnees-personnelles');
  await expect(page.getByRole('heading', { level: 2, name: 'Nos traitements en bref' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Registre des traitements' })).toContainText('Mission d’intérêt public');
  await page.getByRole('link', { name: 'Le registre des traitements complet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Registre des traitements' })).toBeVisible();
  const register = page.getByRole('table', { name: 'Registre des traitements' });
  await expect(register.getByRole('rowheader', { name: 'Demandes au DPO' })).toBeVisible();
  await expect(register).toContainText('Délégué à la protection des données');
  await expect(page.getByRole('main')).toContainText('dpo@saint-aubin-du-parvis.example');
});
