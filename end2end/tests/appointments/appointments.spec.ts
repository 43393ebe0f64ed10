// Appointment journeys: a resident books a slot, gets the confirmation with its .ics,
// moves it, then cancels it from the mail's link without signing in; a resident waiting
// for a full day is told when a place frees up and books it; an agent records a no-show
// and books for someone who phoned; the facilities directory says what is open at a
// chosen moment and shows an admin's closure. Every page visited by `page` is audited
// with axe, in the four projects (JavaScript on and off, desktop and mobile).
import { test, expect, projectContextOptions } from '../../fixtures/parvis';
import { STRONG_PASSWORD, confirmEmail, signIn, signInDemo, signUp } from '../../fixtures/accounts';
import { waitForMail, type Mail } from '../../fixtures/mail';
import type { Browser, Page, TestInfo } from '@playwright/test';

const PROJECTS = ['desktop-js', 'desktop-nojs', 'mobile-js', 'mobile-nojs'];

/** 0 to 3: projects run side by side, so each books its own slots. */
function projectIndex(testInfo: TestInfo): number {
  return Math.max(0, PROJECTS.indexOf(testInfo.project.name));
}

async function newTab(browser: Browser, baseURL: string | undefined, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext(projectContextOptions(testInfo, baseURL));
  return context.newPage();
}

const pad = (x: number) => String(x).padStart(2, '0');
const iso = (day: Date) => `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
/** "dimanche 6 décembre 2026", as the pages write a day. */
const french = (day: Date) =>
  new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(day);

/** A resident of the day, signed up and confirmed in a tab of their own. */
async function newResident(browser: Browser, baseURL: string | undefined, testInfo: TestInfo, name: string): Promise<string> {
  const tab = await newTab(browser, baseURL, testInfo);
  const email = await signUp(tab, name);
  await confirmEmail(tab, email);
  await tab.context().close();
  return email;
}

/** The link of an appointment mail that manages it without signing in. */
function manageLink(mail: Mail): string {
  const found = mail.text.match(/https?:\/\/\S+\/mon-espace\/rendez-vous\/\d+\?cle=\S+/);
  if (!found) {
    throw new Error(`no appointment link in:\n${mail.text}`);
  }
  const url = new URL(found[0]);
  return url.pathname + url.search;
}

function calendarOf(mail: Mail): string {
  const ics = mail.attachments.find((a) => a.filename.endsWith('.ics'));
  expect(ics, 'an .ics attachment').toBeTruthy();
  expect(ics!.contentType).toBe('text/calendar');
  return ics!.content;
}

test('a resident books an appointment, receives it with its calendar, moves it and cancels it from the mail', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const n = projectIndex(testInfo);
  const email = await newResident(browser, baseURL, testInfo, 'Inès Garnier');
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);

  await gotoPage('/rendez-vous');
  await page.getByRole('link', { name: 'Carte d’identité et passeport', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Carte d’identité et passeport' })).toBeVisible();
  await expect(page.getByText('Votre numéro de pré-demande (ANTS)')).toBeVisible();
  const days = page.getByRole('list', { name: 'Choisir un jour' });
  await days.getByRole('listitem').filter({ hasText: 'libre' }).first().getByRole('link').click();
  await expect(page).toHaveURL(/\/rendez-vous\/passeport-cni\/\d{4}-\d{2}-\d{2}$/);

  // Booking without choosing a slot is refused next to the list of slots.
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByRole('radio').first()).toHaveAccessibleDescription('Choisissez un créneau.');

  const slots = page.getByRole('group', { name: /^Créneaux libres le/ });
  const chosen = slots.getByRole('radio').nth(n);
  const time = (await slots.locator('label').nth(n).textContent())!.match(/^\d{1,2} h \d{2}/)![0];
  await chosen.check();
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre rendez-vous est confirmé' })).toBeVisible();
  await expect(page.getByText(`à ${time}`).first()).toBeVisible();
  const booked = await waitForMail(email, /^Rendez-vous confirmé : Carte d’identité et passeport/);
  expect(booked.subject).toContain(`à ${time}`);
  const ics = calendarOf(booked);
  expect(ics).toContain('BEGIN:VEVENT');
  expect(ics).toContain('SUMMARY:Carte d’identité et passeport');
  // In Paris time, with its zone, as the page and the mail say it.
  const [hour, minute] = time.split(' h ');
  expect(ics).toContain('BEGIN:VTIMEZONE');
  expect(ics).toMatch(new RegExp(`DTSTART;TZID=Europe/Paris:\\d{8}T${hour.padStart(2, '0')}${minute}00`));

  // Moved to another day.
  await page.getByRole('link', { name: 'Déplacer mon rendez-vous' }).click();
  await expect(page.getByText(/Vous déplacez votre rendez-vous du/)).toBeVisible();
  await days.getByRole('listitem').filter({ hasText: 'libre' }).nth(1).getByRole('link').click();
  await page.getByRole('group', { name: /^Créneaux libres le/ }).getByRole('radio').nth(n).check();
  await page.getByRole('button', { name: 'Déplacer mon rendez-vous sur ce créneau' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre rendez-vous a été déplacé' })).toBeVisible();
  const moved = await waitForMail(email, /^Rendez-vous déplacé/);
  expect(calendarOf(moved)).toContain('STATUS:CONFIRMED');
  await gotoPage('/mon-espace');
  await expect(page.getByRole('heading', { name: 'Mes rendez-vous' })).toBeVisible();
  await expect(page.getByText('Confirmé').first()).toBeVisible();

  // Cancelled from the mail's link, in a browser that is not signed in.
  const elsewhere = await newTab(browser, baseURL, testInfo);
  await elsewhere.goto(manageLink(moved));
  await expect(elsewhere.getByRole('heading', { level: 1, name: 'Votre rendez-vous' })).toBeVisible();
  // Cancelling asks first; "keep it" keeps it.
  await elsewhere.getByRole('link', { name: 'Annuler mon rendez-vous' }).click();
  await expect(elsewhere.getByRole('heading', { name: 'Annuler ce rendez-vous ?' })).toBeVisible();
  await elsewhere.getByRole('link', { name: 'Non, le garder' }).click();
  await expect(elsewhere.getByRole('heading', { name: 'Annuler ce rendez-vous ?' })).toHaveCount(0);
  await elsewhere.getByRole('link', { name: 'Annuler mon rendez-vous' }).click();
  await elsewhere.getByRole('button', { name: 'Oui, annuler mon rendez-vous' }).click();
  await expect(elsewhere.getByRole('status').filter({ hasText: 'Votre rendez-vous est annulé' })).toBeVisible();
  await expect(elsewhere.getByText('Annulé', { exact: true })).toBeVisible();
  await elsewhere.context().close();
  const cancelled = await waitForMail(email, /^Rendez-vous annulé/);
  expect(calendarOf(cancelled)).toContain('METHOD:CANCEL');
  // A link without its key leads nowhere.
  const bare = manageLink(moved).split('?')[0];
  const stranger = await newTab(browser, baseURL, testInfo);
  const response = await stranger.goto(bare);
  expect(response!.status()).toBe(404);
  await stranger.context().close();
});

test('a resident waiting for a full day is told when a place frees up, and books it', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const n = projectIndex(testInfo);
  // Someone takes the only slot of a day (in their own tab).
  const first = await newResident(browser, baseURL, testInfo, 'Paul Lemoine');
  const other = await newTab(browser, baseURL, testInfo);
  await signIn(other, first, STRONG_PASSWORD);
  // The conciliator receives on Wednesdays: each project starts a week further on.
  const from = new Date();
  from.setDate(from.getDate() + 2 + 7 * n);
  await other.goto(`/rendez-vous/conciliateur?a_partir=${iso(from)}`);
  await other.getByRole('list', { name: 'Choisir un jour' }).getByRole('listitem').filter({ hasText: 'libre' }).first().getByRole('link').click();
  const dayUrl = new URL(other.url()).pathname;
  await other.getByRole('group', { name: /^Créneaux libres le/ }).getByRole('radio').first().check();
  await other.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(other.getByRole('status').filter({ hasText: 'Votre rendez-vous est confirmé' })).toBeVisible();
  const appointment = other.url();

  // The day is full: the waiting resident asks to be told.
  const email = await newResident(browser, baseURL, testInfo, 'Chloé Marchand');
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/mon-espace$/);
  await gotoPage(dayUrl);
  await expect(page.getByText('Créneaux complets : 14 h 00.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Prochains créneaux libres' })).toBeVisible();
  await page.getByRole('button', { name: 'Me prévenir si une place se libère' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'vous serez prévenu par courriel' })).toBeVisible();
  await expect(page.getByText('Vous êtes sur la liste d’attente de ce jour')).toBeVisible();

  // The first resident cancels; the waiting one is told and books the place.
  await other.goto(appointment);
  await other.getByRole('link', { name: 'Annuler mon rendez-vous' }).click();
  await other.getByRole('button', { name: 'Oui, annuler mon rendez-vous' }).click();
  await expect(other.getByRole('status').filter({ hasText: 'Votre rendez-vous est annulé' })).toBeVisible();
  await other.context().close();
  const told = await waitForMail(email, /^Une place s’est libérée : Permanence du conciliateur de justice/);
  const link = told.text.match(/https?:\/\/\S+\/rendez-vous\/conciliateur\/\d{4}-\d{2}-\d{2}/)![0];
  await gotoPage(new URL(link).pathname);
  await page.getByRole('group', { name: /^Créneaux libres le/ }).getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre rendez-vous est confirmé' })).toBeVisible();
});

/** The date of the next Monday to Friday at least `ahead` days from now (not 24–26 Dec). */
function nextWeekday(ahead: number): string {
  const day = new Date();
  day.setDate(day.getDate() + ahead);
  for (;;) {
    const christmas = day.getMonth() === 11 && day.getDate() >= 24 && day.getDate() <= 26;
    if (day.getDay() >= 1 && day.getDay() <= 5 && !christmas) {
      break;
    }
    day.setDate(day.getDate() + 1);
  }
  return iso(day);
}

test('an agent records a no-show and books for someone who phoned', async ({ page, gotoPage }, testInfo) => {
  test.setTimeout(120_000);
  const n = projectIndex(testInfo);
  await signInDemo(page, 'agent');
  await gotoPage('/guichet');
  await page.getByRole('link', { name: 'Carte d’identité et passeport', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Carte d’identité et passeport/ })).toBeVisible();

  // Last open day's appointments wait for their attendance (demo data).
  const person = ['Karim Haddad', 'Lucie Fontaine', 'Marc Delaunay', 'Odette Leroy'][n];
  const toMark = page.getByRole('region', { name: 'Présences à noter' });
  await toMark.getByRole('listitem').filter({ hasText: person }).getByRole('button', { name: /^Absent/ }).click();
  await expect(page).toHaveURL(/#a-pointer$/);
  await expect(page.getByRole('region', { name: 'Présences à noter' }).getByText(person)).toHaveCount(0);

  // A call for an open day: booked at the counter with a name and a number.
  await page.getByLabel('Aller au jour').fill(nextWeekday(3 + n));
  await page.getByRole('button', { name: 'Afficher', exact: true }).click();
  const form = page.getByRole('region', { name: 'Prendre un rendez-vous pour quelqu’un' });
  await form.getByRole('button', { name: 'Enregistrer le rendez-vous' }).click();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.getByLabel('Heure')).toHaveAccessibleDescription(/Ce créneau n’existe pas/);
  await expect(page.getByLabel('Nom et prénom')).toHaveAccessibleDescription(/nom/i);
  const caller = `Gérard Phone ${testInfo.project.name}`;
  await page.getByLabel('Heure').selectOption({ index: 1 + n });
  await page.getByLabel('Par téléphone').check();
  await page.getByLabel('Nom et prénom').fill(caller);
  await page.getByLabel('Téléphone', { exact: true }).fill('06 01 02 03 04');
  await page.getByRole('button', { name: 'Enregistrer le rendez-vous' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Le rendez-vous est enregistré' })).toBeVisible();
  await expect(page.getByRole('table').getByText(caller)).toBeVisible();
});

test('the facilities directory says what is open at a chosen moment, with the closures admins add', async ({ page, gotoPage, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  await gotoPage('/equipements');
  await expect(page.getByRole('heading', { level: 1, name: 'Équipements municipaux' })).toBeVisible();
  // Next Sunday, 10:00: the pool is open, the town hall is not.
  const sunday = new Date();
  sunday.setDate(sunday.getDate() + 1);
  while (sunday.getDay() !== 0) {
    sunday.setDate(sunday.getDate() + 1);
  }
  const monday = new Date(sunday);
  monday.setDate(monday.getDate() + 1);
  await page.getByLabel('Ouvert à un autre moment ?').fill(`${iso(sunday)}T10:00`);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByRole('status')).toHaveText(`État le ${french(sunday)} à 10 h 00.`);
  const pool = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Piscine des Tilleuls' }) });
  await expect(pool).toContainText('Ouvert · jusqu’à 13 h 00');
  const townHall = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Mairie', exact: true }) });
  await expect(townHall).toContainText(`Fermé · ouvre le ${french(monday)} à 8 h 30`);
  await pool.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Piscine des Tilleuls' })).toBeVisible();
  await expect(page.getByRole('row', { name: /dimanche/ })).toContainText('9 h 00 – 13 h 00');
  await expect(page.getByText('Mise à l’eau par fauteuil élévateur')).toBeVisible();

  // An admin closes the stadium for a day; the public page says so.
  const label = `Entretien de la pelouse ${testInfo.project.name}`;
  const closed = new Date();
  closed.setDate(closed.getDate() + 30);
  const admin = await newTab(browser, baseURL, testInfo);
  await signInDemo(admin, 'admin');
  await admin.goto('/admin/equipements');
  await admin.getByRole('link', { name: 'Stade municipal' }).click();
  await admin.getByLabel('Du', { exact: true }).fill(iso(closed));
  await admin.getByLabel('Motif (affiché au public)').fill(label);
  await admin.getByRole('button', { name: 'Ajouter une fermeture ou des horaires exceptionnels' }).click();
  await expect(admin.getByText(`${french(closed)} : Fermé (${label})`)).toBeVisible();
  await admin.context().close();
  await gotoPage(`/equipements/stade?quand=${iso(closed)}T15:00`);
  await expect(page.getByText(`${french(closed)} : Fermé (${label})`)).toBeVisible();
  await expect(page.getByText('Fermé', { exact: true }).first()).toBeVisible();
});
