// Moderation journeys: residents flag a comment until it is hidden pending review, a
// moderator confirms with a reason, the author is told and appeals, another moderator
// restores it; a pre-moderated theme holds a proposal until approval; a suspended
// resident cannot post and sees why. Every page visited by `page` is audited with axe.
import { test, expect, jsEnabled } from '../../fixtures/parvis';
import { STRONG_PASSWORD, confirmEmail, signIn, signInDemo, signUp } from '../../fixtures/accounts';
import type { Browser, Page, TestInfo } from '@playwright/test';

function unique(prefix: string, testInfo: TestInfo): string {
  return `${prefix} ${testInfo.project.name} ${Date.now()}`;
}

/** A new tab in a new context of the same project (JavaScript on or off). */
async function newTab(browser: Browser, baseURL: string | undefined, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled(testInfo) });
  return context.newPage();
}

/** A fresh resident, signed in on `page`. */
async function freshResident(page: Page, name: string) {
  const email = await signUp(page, name);
  await confirmEmail(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);
}

/** The comment whose text is `text`. */
function comment(page: Page, text: string) {
  return page.locator('article.comment').filter({ has: page.locator(':scope > .prose', { hasText: text }) });
}

/** Posts a comment on the proposal at `path`; returns its id. */
async function postComment(page: Page, path: string, text: string): Promise<string> {
  await page.goto(path);
  await page.getByLabel('Votre commentaire').fill(text);
  await page.getByRole('button', { name: 'Publier le commentaire' }).click();
  await expect(page).toHaveURL(/#commentaire-\d+$/);
  return new URL(page.url()).hash.replace('#commentaire-', '');
}

/** Flags the comment holding `text` on `path` as spam. */
async function flagAsSpam(page: Page, path: string, text: string) {
  await page.goto(path);
  await comment(page, text).getByRole('link', { name: /^Signaler/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Signaler une contribution' })).toBeVisible();
  await page.getByLabel('Motif', { exact: true }).selectOption({ label: 'Spam ou publicité' });
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'votre signalement a été transmis' })).toBeVisible();
}

test('flags hide a comment, a moderator confirms, the author appeals, another moderator restores', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  const text = unique('Achetez mes montres', testInfo);
  const path = '/forum/propositions/2';
  const author = await newTab(browser, baseURL, testInfo);
  await freshResident(author, 'Auteur pressé');
  const id = await postComment(author, path, text);

  // The moderator flags it too (anyone signed in may); "Other" needs a few words.
  await signInDemo(page, 'moderator');
  await gotoPage(path);
  await comment(page, text).getByRole('link', { name: /^Signaler/ }).click();
  await page.getByLabel('Motif', { exact: true }).selectOption({ label: 'Autre' });
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel(/Précisions/)).toHaveAccessibleDescription(/précisez en quelques mots/);
  await expect(page.getByLabel('Motif', { exact: true })).toHaveValue('other');
  await page.getByLabel(/Précisions/).fill('Publicité pour des montres.');
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'votre signalement a été transmis' })).toBeVisible();

  for (const who of ['camille', 'yanis'] as const) {
    const flagger = await newTab(browser, baseURL, testInfo);
    await signInDemo(flagger, who);
    await flagAsSpam(flagger, path, text);
    if (who === 'yanis') {
      // The third flag hides it pending review: its place stays, without its text.
      await expect(flagger.getByText(text)).toHaveCount(0);
      await expect(flagger.locator(`#commentaire-${id}`)).toContainText('Commentaire masqué par la modération.');
    }
    await flagger.context().close();
  }

  // The moderator finds it in the queue, reads the flags, and hides it with a reason.
  await gotoPage('/moderation?type=comment');
  const entry = page.locator('.queue-item', { hasText: text });
  await expect(entry).toContainText('3 signalements');
  await entry.getByRole('link', { name: 'Examiner' }).click();
  await expect(page).toHaveURL(new RegExp(`/moderation/comment/${id}$`));
  await expect(page.getByRole('heading', { name: 'Signalements' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Décision', exact: true }).selectOption({ label: 'Masquée' });
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Motif', { exact: true })).toHaveAccessibleDescription(/Choisissez un motif/);
  await page.getByRole('combobox', { name: 'Décision', exact: true }).selectOption({ label: 'Masquée' });
  await page.getByLabel('Motif', { exact: true }).selectOption({ label: 'Spam ou publicité' });
  await page.getByLabel(/Règle de la charte/).fill('Article 4 – pas de publicité');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page).toHaveURL(/\/moderation\?decision=ok$/);
  await expect(page.getByRole('status')).toContainText('Décision enregistrée.');

  // The author is told, reads the reason and the rule, and appeals once.
  await author.goto('/notifications');
  await author.getByRole('link', { name: /Décision de modération sur votre contribution/ }).first().click();
  await expect(author).toHaveURL(/\/mon-espace\/moderation$/);
  const decision = author.locator('article.decision').first();
  await expect(decision).toContainText('Motif : Spam ou publicité');
  await expect(decision).toContainText('Règle de la charte : Article 4 – pas de publicité');
  await decision.locator('summary', { hasText: 'Faire un recours' }).click();
  await decision.getByLabel('Pourquoi contestez-vous cette décision ?').fill('Je vends des montres anciennes pour le musée.');
  await decision.getByRole('button', { name: 'Envoyer le recours' }).click();
  await expect(author.getByRole('status')).toContainText('Votre recours a été envoyé');
  await expect(author.locator('article.decision').first()).toContainText('Recours en cours d’examen');
  await expect(author.getByRole('button', { name: 'Envoyer le recours' })).toHaveCount(0);
  await author.goto(path);
  await expect(comment(author, text)).toContainText('Masqué par la modération');

  // The moderator who decided may not settle the appeal; another one restores it.
  await gotoPage(`/moderation/comment/${id}`);
  await expect(page.getByText('Vous avez pris la décision contestée')).toBeVisible();
  const second = await newTab(browser, baseURL, testInfo);
  await signInDemo(second, 'moderator2');
  await second.goto(`/moderation/comment/${id}`);
  await second.getByLabel('Issue du recours').selectOption({ label: 'Annuler la décision (rétablir)' });
  await second.getByRole('button', { name: 'Trancher le recours' }).click();
  await expect(second).toHaveURL(/\/moderation\?decision=ok$/);
  await second.context().close();

  const visitor = await newTab(browser, baseURL, testInfo);
  await visitor.goto(path);
  await expect(comment(visitor, text)).toBeVisible();
  await visitor.context().close();
  await author.goto('/mon-espace/moderation');
  await expect(author.getByText('Recours examiné : décision annulée')).toBeVisible();
  await author.context().close();

  // The public log lists the decisions without any name.
  await gotoPage('/moderation/journal');
  await expect(page.getByRole('cell', { name: 'Rétablie (sur recours)' }).first()).toBeVisible();
  await expect(page.getByRole('table')).not.toContainText('Perrin');
});

/** A theme no other test uses, one per project (they run in parallel). */
const THEME_OF: Record<string, string> = {
  'desktop-js': 'Éducation et jeunesse',
  'desktop-nojs': 'Solidarités et seniors',
  'mobile-js': 'Sécurité et tranquillité',
  'mobile-nojs': 'Urbanisme et logement',
};

test('a pre-moderated theme holds a proposal until a moderator approves it', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  const theme = THEME_OF[testInfo.project.name];
  const title = unique('Un conseil des jeunes', testInfo);
  await signInDemo(page, 'moderator');
  await gotoPage('/moderation/reglages');
  const setting = page.getByRole('listitem').filter({ hasText: theme });
  await setting.getByRole('button', { name: /Activer la pré-modération/ }).click();
  await expect(page.getByRole('listitem').filter({ hasText: theme })).toContainText('pré-modéré');

  try {
    const resident = await newTab(browser, baseURL, testInfo);
    await signInDemo(resident, 'yanis');
    await resident.goto('/forum/proposer');
    await resident.getByLabel('Titre').fill(title);
    await resident.getByLabel('Description').fill('Un conseil municipal des jeunes, élu dans les collèges.');
    await resident.getByLabel('Thème').selectOption({ label: theme });
    await resident.getByRole('button', { name: 'Publier la proposition' }).click();
    await expect(resident).toHaveURL(/\/forum\/propositions\/\d+$/);
    await expect(resident.getByText('Votre proposition attend la vérification d’un modérateur')).toBeVisible();
    const path = new URL(resident.url()).pathname;

    const visitor = await newTab(browser, baseURL, testInfo);
    const hidden = await visitor.goto(path);
    expect(hidden?.status()).toBe(404);

    await gotoPage('/moderation?type=proposal');
    await page.locator('.queue-item', { hasText: title }).getByRole('link', { name: 'Examiner' }).click();
    await expect(page.getByText('Thème pré-modéré')).toBeVisible();
    await page.getByRole('combobox', { name: 'Décision', exact: true }).selectOption({ label: 'Publiée après vérification' });
    await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await expect(page.getByRole('status')).toContainText('Décision enregistrée.');

    const shown = await visitor.goto(path);
    expect(shown?.status()).toBe(200);
    await expect(visitor.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await resident.context().close();
    await visitor.context().close();
  } finally {
    await gotoPage('/moderation/reglages');
    await page.getByRole('listitem').filter({ hasText: theme })
      .getByRole('button', { name: /Désactiver la pré-modération/ }).click();
  }
});

test('a suspended resident cannot post and sees why', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  const text = unique('Vous êtes tous des incapables', testInfo);
  await freshResident(page, 'Résident fâché');
  const id = await postComment(page, '/forum/propositions/3', text);
  const moderator = await newTab(browser, baseURL, testInfo);
  await signInDemo(moderator, 'moderator');
  await moderator.goto(`/moderation/comment/${id}`);
  await moderator.locator('summary', { hasText: 'Sanctionner l’auteur' }).click();
  await moderator.getByLabel('Sanction', { exact: true }).selectOption({ label: 'Suspension de publication' });
  await moderator.getByLabel(/Durée de la suspension/).fill('3');
  await moderator.getByLabel('Motif de la sanction').selectOption({ label: 'Insulte ou harcèlement' });
  await moderator.getByRole('button', { name: 'Sanctionner' }).click();
  await expect(moderator.getByRole('status')).toContainText('Décision enregistrée.');
  await moderator.context().close();

  await gotoPage('/forum/propositions/3');
  await expect(page.getByRole('status').filter({ hasText: 'Votre compte est suspendu jusqu’au' })).toContainText('Insulte ou harcèlement');
  await expect(page.getByLabel('Votre commentaire')).toHaveCount(0);

  await gotoPage('/forum/proposer');
  await page.getByLabel('Titre').fill('Une idée malgré tout');
  await page.getByLabel('Description').fill('Je veux publier quand même.');
  await page.getByLabel('Thème').selectOption({ label: 'Voirie et mobilités' });
  await page.getByRole('button', { name: 'Publier la proposition' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Description')).toHaveAccessibleDescription(/Votre compte est suspendu/);
  await expect(page.getByLabel('Titre')).toHaveValue('Une idée malgré tout');

  await gotoPage('/mon-espace/moderation');
  await expect(page.getByRole('heading', { name: 'Mon statut' })).toBeVisible();
  await expect(page.getByText(/Suspension de publication – Insulte ou harcèlement – jusqu’au/)).toBeVisible();
});
