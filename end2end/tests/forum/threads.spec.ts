// The forum beyond proposing: threaded comments (reply, edit, delete), the author's edit
// and withdrawal, the town hall's official answer reaching followers (notification and
// mail), the administrators' themes, and live updates of an open page.
import { test, expect, jsEnabled } from '../../fixtures/parvis';
import { DEMO, signInDemo } from '../../fixtures/accounts';
import { waitForMailWith } from '../../fixtures/mail';
import type { Page, TestInfo } from '@playwright/test';

/** A title no other test (or project running in parallel) uses. */
function unique(prefix: string, testInfo: TestInfo): string {
  return `${prefix} ${testInfo.project.name} ${Date.now()}`;
}

/** Publishes a proposal as the signed-in person; returns its path. */
async function publish(page: Page, gotoPage: (url: string) => Promise<unknown>, title: string): Promise<string> {
  await gotoPage('/forum/proposer');
  await page.getByLabel('Titre').fill(title);
  await page.getByLabel('Description').fill('Des nichoirs pour les mésanges du parc.');
  await page.getByLabel('Thème').selectOption({ label: 'Environnement et espaces verts' });
  await page.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(page).toHaveURL(/\/forum\/propositions\/\d+$/);
  return new URL(page.url()).pathname;
}

/** The comment whose text is exactly `text` (its own article, not its parents'). */
function comment(page: Page, text: string) {
  const exact = new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator('article.comment').filter({ has: page.locator(':scope > .prose', { hasText: exact }) });
}

test('a resident comments, replies two levels deep, edits and deletes', async ({ page, gotoPage }, testInfo) => {
  const title = unique('Des bancs au lavoir', testInfo);
  await signInDemo(page, 'camille');
  const path = await publish(page, gotoPage, title);
  await expect(page.getByText('Aucun commentaire pour l’instant.')).toBeVisible();

  // An empty comment is refused next to the field.
  await page.getByRole('button', { name: 'Publier le commentaire' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Votre commentaire')).toHaveAccessibleDescription(/obligatoire/);

  await page.getByLabel('Votre commentaire').fill('Premier avis : **oui**');
  await page.getByRole('button', { name: 'Publier le commentaire' }).click();
  await expect(page).toHaveURL(/#commentaire-\d+$/);
  const first = comment(page, 'Premier avis : oui');
  await expect(first.locator(':scope > .prose strong')).toHaveText('oui');
  await expect(page.getByRole('heading', { name: 'Commentaires (1)' })).toBeVisible();

  await first.locator(':scope > .comment__actions').getByRole('link', { name: /Répondre/ }).click();
  await page.getByLabel('Votre réponse').fill('Une réponse');
  await page.getByRole('button', { name: 'Publier la réponse' }).click();
  const reply = comment(page, 'Une réponse');
  await expect(first.locator('.comment-list').first()).toContainText('Une réponse');

  await reply.locator(':scope > .comment__actions').getByRole('link', { name: /Répondre/ }).click();
  await page.getByLabel('Votre réponse').fill('Une réponse à la réponse');
  await page.getByRole('button', { name: 'Publier la réponse' }).click();
  await expect(reply.locator('.comment-list')).toContainText('Une réponse à la réponse');
  await expect(page.getByRole('heading', { name: 'Commentaires (3)' })).toBeVisible();

  await first.locator(':scope > .comment__actions').getByRole('link', { name: 'Modifier' }).click();
  const editor = page.getByLabel('Texte du commentaire');
  await expect(editor).toHaveValue('Premier avis : **oui**');
  await editor.fill('Premier avis, corrigé');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  const edited = comment(page, 'Premier avis, corrigé');
  await expect(edited.locator(':scope > .comment__meta')).toContainText('modifié');

  await edited.locator(':scope > .comment__actions summary', { hasText: 'Supprimer' }).click();
  await edited.locator(':scope > .comment__actions').getByRole('button', { name: 'Confirmer la suppression' }).click();
  await expect(page.getByText('Ce commentaire a été supprimé par son auteur.')).toBeVisible();
  await expect(page.getByText('Une réponse à la réponse')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Commentaires (2)' })).toBeVisible();
  await gotoPage(path);
});

test('a comment sent again after a lost answer is published once', async ({ page, gotoPage }, testInfo) => {
  const title = unique('Un abri à vélos', testInfo);
  await signInDemo(page, 'camille');
  const path = await publish(page, gotoPage, title);

  // The form post as the browser sent it, kept to be sent again: a network that lost
  // the answer and a browser (or proxy) retrying send exactly these bytes.
  let sent: import('@playwright/test').Request | undefined;
  await page.route('**/api/add_comment', async (route) => {
    sent = route.request();
    await route.continue();
  }, { times: 1 });
  await page.getByLabel('Votre commentaire').fill('Une seule fois');
  await page.getByRole('button', { name: 'Publier le commentaire' }).click();
  await expect(page).toHaveURL(/#commentaire-\d+$/);
  const first = new URL(page.url());
  expect(sent?.postData()).toContain('__once=');

  const again = await page.request.fetch(sent!, { maxRedirects: 0 });
  expect(again.status()).toBeGreaterThanOrEqual(300);
  expect(again.status()).toBeLessThan(400);
  expect(new URL(again.headers()['location'], first).hash).toBe(first.hash);

  await gotoPage(path);
  await expect(comment(page, 'Une seule fois')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Commentaires (1)' })).toBeVisible();
});

test('the author edits, then withdraws; others cannot', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  const title = unique('Un composteur partagé', testInfo);
  await signInDemo(page, 'camille');
  const path = await publish(page, gotoPage, title);

  await page.getByRole('link', { name: 'Modifier ma proposition' }).click();
  await expect(page.getByLabel('Titre')).toHaveValue(title);
  await page.getByLabel('Titre').fill('');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await expect(page.getByLabel('Titre')).toHaveAccessibleDescription(/obligatoire/);
  await expect(page.getByLabel('Description')).toHaveValue('Des nichoirs pour les mésanges du parc.');
  await page.getByLabel('Titre').fill(`${title} (corrigé)`);
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${title} (corrigé)` })).toBeVisible();
  await expect(page.getByText(/Modifiée par son auteur (à l’instant|il y a|aujourd’hui)/)).toBeVisible();

  // Another resident sees neither button, and the edit page refuses them.
  const other = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled(testInfo) });
  const yanis = await other.newPage();
  await signInDemo(yanis, 'yanis');
  await yanis.goto(path);
  await expect(yanis.getByRole('link', { name: 'Modifier ma proposition' })).toHaveCount(0);
  await expect(yanis.getByText('Retirer ma proposition')).toHaveCount(0);
  await yanis.goto(`${path}/modifier`);
  await expect(yanis.getByRole('alert')).toContainText('Vous n’avez pas accès à ce contenu.');
  await other.close();

  await page.getByText('Retirer ma proposition').click();
  await page.getByRole('button', { name: 'Confirmer le retrait' }).click();
  await expect(page.getByText(/Son auteur a retiré cette proposition/)).toBeVisible();
  await expect(page.getByText('Cette proposition a été retirée : les commentaires sont fermés.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Soutenir cette proposition' })).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText('Retirée par son auteur');
});

test('an agent answers; followers get a notification and a mail', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  const title = unique('Éclairer le chemin du collège', testInfo);
  await signInDemo(page, 'camille');
  const path = await publish(page, gotoPage, title);
  await expect(page.getByText('Vous suivez cette proposition.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Répondre au nom de la mairie' })).toHaveCount(0);

  const agentContext = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled(testInfo) });
  const agent = await agentContext.newPage();
  await signInDemo(agent, 'agent');
  await agent.goto(path);
  await agent.getByLabel('Nouvel état').selectOption({ label: 'Retenue' });
  await agent.getByLabel('Réponse officielle').fill('Les travaux sont prévus **au printemps**.');
  await agent.getByRole('button', { name: 'Publier la réponse officielle' }).click();
  await expect(agent.getByRole('heading', { name: 'Réponse de la mairie' })).toBeVisible();
  await expect(agent.locator('#reponse .prose strong')).toHaveText('au printemps');
  await agentContext.close();

  await gotoPage('/mon-espace');
  await expect(page.getByRole('link', { name: /Notifications.*non lue/ })).toBeVisible();
  await page.getByRole('link', { name: /Notifications/ }).click();
  await expect(page).toHaveURL(/\/notifications$/);
  const item = page.getByRole('link', { name: `La mairie a répondu à « ${title} »` });
  await expect(item).toBeVisible();
  await item.click();
  await expect(page.getByRole('heading', { name: 'Réponse de la mairie' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Retenue');
  await page.getByText('Historique des décisions').click();
  await expect(page.locator('#reponse details li')).toHaveCount(1);
  await gotoPage('/notifications');
  await expect(page.getByRole('link', { name: `La mairie a répondu à « ${title} »` })).toBeVisible();

  const mail = await waitForMailWith(DEMO.camille, /La mairie a répondu/, title);
  expect(mail.text).toContain('Nouvel état : Retenue');
  expect(mail.text).toContain(path);
});

test('administrators keep the list of themes', async ({ page, gotoPage }, testInfo) => {
  await signInDemo(page, 'admin');
  await gotoPage('/admin/forum');
  await expect(page.getByRole('heading', { level: 1, name: 'Thèmes et quartiers du forum' })).toBeVisible();
  const themes = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Thèmes' }) });
  const add = themes.locator('form', { has: page.getByRole('button', { name: 'Ajouter à la liste' }) });
  await add.getByRole('button', { name: 'Ajouter à la liste' }).click();
  await expect(add.getByLabel('Nom en français')).toHaveAccessibleDescription(/obligatoire/);
  await expect(page).toHaveTitle(/Thèmes et quartiers/);

  const name = unique('Propreté', testInfo);
  await add.getByLabel('Nom en français').fill(name);
  await add.getByLabel('Nom en anglais').fill('Cleanliness');
  await add.getByRole('button', { name: 'Ajouter à la liste' }).click();
  const entry = page.locator('article.card', { has: page.getByRole('heading', { name }) });
  await expect(entry).toBeVisible();
  await entry.getByRole('button', { name: `Archiver ${name}` }).click();
  await expect(page.locator('article.card', { has: page.getByRole('heading', { name }) })).toContainText('archivé');

  await gotoPage('/forum/proposer');
  await expect(page.getByLabel('Thème').locator('option', { hasText: name })).toHaveCount(0);
});

test('an open proposal page shows new comments and supports as they come', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without JavaScript, a reload shows them (covered by the other journeys)');
  const title = unique('Un marché le dimanche', testInfo);
  const authorContext = await browser.newContext({ baseURL });
  const author = await authorContext.newPage();
  await signInDemo(author, 'camille');
  await author.goto('/forum/proposer');
  await author.getByLabel('Titre').fill(title);
  await author.getByLabel('Description').fill('Avec les producteurs du canton.');
  await author.getByLabel('Thème').selectOption({ label: 'Culture et sport' });
  await author.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(author).toHaveURL(/\/forum\/propositions\/\d+$/);
  const path = new URL(author.url()).pathname;

  // A visitor reads the page; the author comments and supports it elsewhere.
  await gotoPage(path);
  await expect(page.getByRole('main')).toContainText('aucun soutien');
  await author.getByLabel('Votre commentaire').fill('Bonne nouvelle en direct');
  await author.getByRole('button', { name: 'Publier le commentaire' }).click();
  await author.getByRole('button', { name: 'Soutenir cette proposition' }).click();

  await expect(page.getByText('Bonne nouvelle en direct')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('heading', { name: 'Commentaires (1)' })).toBeVisible();
  await expect(page.locator('.support__count')).toHaveText('1 soutien');
  await expect(page.getByRole('status').filter({ hasText: 'Nouveau commentaire de Camille Martin' })).toHaveCount(1);
  await expect(page.getByText('Aucun commentaire pour l’instant.')).toHaveCount(0);

  // A reply comes under its parent; an edit replaces the comment where it is, with
  // the reply kept under it. Only the changes are fetched, never the page again.
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'fetch') fetched.push(new URL(request.url()).pathname);
  });
  const first = comment(author, 'Bonne nouvelle en direct');
  await first.locator(':scope > .comment__actions').getByRole('link', { name: /Répondre/ }).click();
  await author.getByLabel('Votre réponse').fill('Une réponse en direct');
  await author.getByRole('button', { name: 'Publier la réponse' }).click();
  const shown = comment(page, 'Bonne nouvelle en direct');
  await expect(shown.locator(':scope > .comment-list')).toContainText('Une réponse en direct', { timeout: 10_000 });
  await expect(page.getByRole('heading', { name: 'Commentaires (2)' })).toBeVisible();
  await comment(author, 'Bonne nouvelle en direct').locator(':scope > .comment__actions').getByRole('link', { name: 'Modifier' }).click();
  await author.getByLabel('Texte du commentaire').fill('Bonne nouvelle, précisée');
  await author.getByRole('button', { name: 'Enregistrer' }).click();
  await authorContext.close();
  const edited = comment(page, 'Bonne nouvelle, précisée');
  await expect(edited.locator(':scope > .comment__meta')).toContainText('modifié', { timeout: 10_000 });
  await expect(edited.locator(':scope > .comment-list')).toContainText('Une réponse en direct');
  await expect(page.locator('article.comment')).toHaveCount(2);
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.every((p) => p.endsWith('/changements'))).toBe(true);
});
