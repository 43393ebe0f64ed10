// Survey journeys: an agent builds a survey with a conditional question and a second
// page, previews and publishes it; a resident answers, meets an error next to the
// question with what they picked kept, saves a draft and resumes it, sends, and reads
// the results as charts and tables; a moderator publishes a free answer. Every page
// visited by `page` is audited with axe.
import { test, expect, jsEnabled } from '../../fixtures/parvis';
import { STRONG_PASSWORD, confirmEmail, signIn, signInDemo, signUp } from '../../fixtures/accounts';
import type { Browser, Page, TestInfo } from '@playwright/test';

async function newTab(browser: Browser, baseURL: string | undefined, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled(testInfo) });
  return context.newPage();
}

/** Adds a question from the builder's "Ajouter une question" form. */
async function addQuestion(
  page: Page,
  q: { kind: string; label: string; choices?: string; required?: boolean; condition?: [string, string]; page?: string },
) {
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Ajouter une question' }) });
  if (q.page) {
    await form.getByLabel('Page', { exact: true }).selectOption({ label: q.page });
  }
  await form.getByLabel('Type de question').selectOption({ label: q.kind });
  await form.getByLabel('Question', { exact: true }).fill(q.label);
  if (q.choices) {
    await form.getByLabel('Réponses proposées').fill(q.choices);
  }
  if (q.required) {
    await form.getByLabel('Réponse obligatoire').check();
  }
  if (q.condition) {
    const [question, answer] = q.condition;
    await form.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
  }
  await form.getByRole('button', { name: 'Ajouter une question' }).click();
  await expect(page.locator('.builder-question').filter({ hasText: q.label })).toBeVisible();
}

/** The agent builds and publishes a survey; its public address. */
async function buildSurvey(
  page: Page,
  gotoPage: (url: string) => Promise<unknown>,
  title: string,
  anonymous = true,
): Promise<string> {
  await signInDemo(page, 'agent');
  await gotoPage('/consultations');
  await page.getByRole('link', { name: 'Consultations : gestion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consultations : gestion' })).toBeVisible();
  // A mistake first: closing before opening.
  await page.getByLabel('Titre', { exact: true }).fill(title);
  await page.getByLabel('Ouverture', { exact: true }).fill('2026-11-01T09:00');
  await page.getByLabel('Clôture', { exact: true }).fill('2026-10-01T09:00');
  await page.getByLabel('Tout le monde, au fil des réponses').check();
  if (anonymous) {
    await page.getByLabel('Réponses anonymes').check();
  }
  await page.getByRole('button', { name: 'Créer la consultation' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Clôture', { exact: true })).toHaveAccessibleDescription(/après l’ouverture/);
  await expect(page.getByLabel('Titre', { exact: true })).toHaveValue(title);
  await page.getByLabel('Clôture', { exact: true }).fill('2027-12-31T18:00');
  await page.getByRole('button', { name: 'Créer la consultation' }).click();
  await expect(page).toHaveURL(/\/consultations\/gestion\/\d+$/);
  const id = page.url().match(/gestion\/(\d+)/)![1];

  await addQuestion(page, { kind: 'Choix unique', label: 'Utilisez-vous le parc ?', choices: 'Oui\nNon', required: true });
  await addQuestion(page, {
    kind: 'Texte court',
    label: 'Pourquoi pas ?',
    required: true,
    condition: ['Utilisez-vous le parc ?', 'Non'],
  });
  await page.getByLabel('Titre de la page (facultatif)').fill('Votre avis');
  await page.getByRole('button', { name: 'Ajouter une page' }).click();
  await addQuestion(page, { kind: 'Échelle', label: 'Votre note du parc', required: true, page: 'Page 2 – Votre avis' });
  await expect(page.getByText('Affichée seulement si la réponse à « Utilisez-vous le parc ? » : « Non »')).toBeVisible();

  await page.getByRole('link', { name: 'Aperçu' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Aperçu/ })).toBeVisible();
  await expect(page.getByLabel('Pourquoi pas ?')).toBeDisabled();
  await page.getByRole('link', { name: 'Retour à la consultation' }).click();
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'La consultation est publiée.' })).toBeVisible();
  return `/consultations/${id}`;
}

test('an agent builds a survey, a resident answers with a draft, results show charts and tables', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(150_000);
  const title = `Le parc du Moulin ${testInfo.project.name} ${Date.now()}`;
  const address = await buildSurvey(page, gotoPage, title);

  // A resident of the day answers.
  const resident = await newTab(browser, baseURL, testInfo);
  const email = await signUp(resident, 'Nour Habitante');
  await confirmEmail(resident, email);
  await signIn(resident, email, STRONG_PASSWORD);
  await resident.goto(address);
  await expect(resident.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(resident.getByText('jamais qui a répondu quoi')).toBeVisible();
  await resident.getByRole('link', { name: 'Répondre' }).click();
  await expect(resident.getByText('Étape 1 sur 2')).toBeVisible();
  if (jsEnabled(testInfo)) {
    await expect(resident.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
    // With JavaScript the conditional question appears only after "Non".
    await resident.getByLabel('Oui', { exact: true }).check();
    await expect(resident.getByLabel('Pourquoi pas ?')).toBeHidden();
  } else {
    // Without it, it is shown with the condition stated.
    await expect(resident.getByText('Répondez seulement si vous avez choisi « Non »')).toBeVisible();
  }
  await resident.getByLabel('Non', { exact: true }).check();
  await expect(resident.getByLabel('Pourquoi pas ?')).toBeVisible();
  await resident.getByRole('button', { name: 'Continuer' }).click();
  await expect(resident).toHaveTitle(/^Erreur/);
  await expect(resident.getByRole('alert').getByRole('link', { name: 'Pourquoi pas ?' })).toBeVisible();
  await expect(resident.getByLabel('Pourquoi pas ?')).toHaveAccessibleDescription(/Ce champ est obligatoire/);
  await expect(resident.getByLabel('Non', { exact: true })).toBeChecked();
  await resident.getByLabel('Pourquoi pas ?').fill('Trop loin de chez moi');
  await resident.getByRole('button', { name: 'Continuer' }).click();
  await expect(resident.getByText('Étape 2 sur 2')).toBeVisible();
  await resident.getByLabel(/^4/).check();
  await resident.getByRole('button', { name: 'Enregistrer et reprendre plus tard' }).click();
  await expect(resident.getByRole('status').filter({ hasText: 'Vos réponses sont enregistrées' })).toBeVisible();
  await resident.getByRole('link', { name: 'Reprendre mes réponses' }).click();
  await expect(resident.getByText('Étape 2 sur 2')).toBeVisible();
  await expect(resident.getByLabel(/^4/)).toBeChecked();
  await resident.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(resident.getByRole('heading', { level: 1, name: 'Merci pour votre participation' })).toBeVisible();
  await resident.goto(address);
  await expect(resident.getByText('Vous avez déjà répondu à cette consultation')).toBeVisible();
  await resident.context().close();

  // Anonymous: while answers arrive, agents see how many took part, not who, and the
  // answer waits for four others before it joins the results.
  const builder = address.replace('/consultations/', '/consultations/gestion/');
  await gotoPage(`${builder}/participants`);
  await expect(page.getByText('1 habitant connecté')).toBeVisible();
  await expect(page.getByText('les noms ne sont affichés qu’après la clôture')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Nour Habitante' })).toHaveCount(0);
  await expect(page.getByText('jamais ce que chacun a répondu')).toBeVisible();
  await gotoPage(`${address}/resultats`);
  await expect(page.getByText('Réponses en attente d’être ajoutées : 1.')).toBeVisible();
  await expect(page.getByText('0 réponse comptée.')).toBeVisible();

  // The agent closes the consultation early: the answer is written, the names listed.
  await gotoPage(builder);
  const settings = page.locator('form').filter({ has: page.getByLabel('Clôture', { exact: true }) });
  await settings.getByLabel('Clôture', { exact: true }).fill('2026-12-01T18:00');
  await settings.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Modifications enregistrées.' })).toBeVisible();
  await gotoPage(`${builder}/participants`);
  await expect(page.getByRole('cell', { name: 'Nour Habitante' })).toBeVisible();

  // Results: a chart with its summary, the equivalent table, the free answer held.
  await gotoPage(`${address}/resultats`);
  const scale = page.locator('section.result').filter({ has: page.getByRole('heading', { name: 'Votre note du parc' }) });
  await expect(scale.getByRole('img')).toHaveAccessibleName(/Réponse la plus choisie : « 4 » \(100 %\)/);
  await expect(scale.getByRole('table').getByRole('row', { name: /^4 1 100 %/ })).toBeVisible();
  await expect(page.getByText('Dont 1 en attente de relecture')).toBeVisible();
  await page.getByLabel('Ne compter que les personnes ayant répondu').selectOption({ label: 'Utilisez-vous le parc ? : Non' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByText('Résultats filtrés : Utilisez-vous le parc ? : Non')).toBeVisible();
  await expect(page.getByText('1 réponse comptée.')).toBeVisible();
});

test('a moderator publishes a free answer and the public then reads it', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(150_000);
  const idea = `Un atelier de théâtre le mercredi (${testInfo.project.name} ${Date.now()})`;
  // A named consultation (its answers count at once) with a free answer.
  const address = await buildSurvey(page, gotoPage, `Le square ${testInfo.project.name} ${Date.now()}`, false);
  await page.context().clearCookies();
  const resident = await newTab(browser, baseURL, testInfo);
  const email = await signUp(resident, 'Lou Habitant');
  await confirmEmail(resident, email);
  await signIn(resident, email, STRONG_PASSWORD);
  await resident.goto(address);
  await expect(resident.getByText('Réponses nominatives')).toBeVisible();
  await resident.getByRole('link', { name: 'Répondre' }).click();
  await resident.getByLabel('Non', { exact: true }).check();
  await resident.getByLabel('Pourquoi pas ?').fill(idea);
  await resident.getByRole('button', { name: 'Continuer' }).click();
  await expect(resident.getByText('Étape 2 sur 2')).toBeVisible();
  await resident.getByLabel(/^3/).check();
  await resident.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(resident.getByRole('heading', { level: 1, name: 'Merci pour votre participation' })).toBeVisible();
  await resident.goto(`${address}/resultats`);
  await expect(resident.getByText('1 réponse comptée.')).toBeVisible();
  await expect(resident.getByText(idea)).toHaveCount(0);
  await resident.context().close();

  await signInDemo(page, 'moderator');
  await gotoPage(`${address}/relecture`);
  const item = page.locator('.review-list li').filter({ hasText: idea });
  await item.getByRole('button', { name: 'Publier' }).click();
  await expect(page).toHaveURL(/\/relecture$/);
  await expect(page.getByText(idea)).toHaveCount(0);
  await page.context().clearCookies();
  await gotoPage(`${address}/resultats`);
  await expect(page.getByText(idea)).toBeVisible();
});

test('only agents reach the builder', async ({ page, gotoPage }) => {
  await gotoPage('/consultations/gestion');
  await expect(page.getByRole('link', { name: 'Se connecter' }).last()).toBeVisible();
  await signInDemo(page, 'camille');
  await gotoPage('/consultations/gestion');
  await expect(page.getByRole('alert')).toContainText('Vous n’avez pas accès à ce contenu.');
});
