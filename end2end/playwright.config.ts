// Browser journeys of Parvis. Four projects: hydrated and JavaScript-disabled, each on a
// desktop viewport (every journey) and a mobile one (the shell and the main journeys).
// Debian's Chromium is used: no browser is downloaded.
//
// The server is the release binary (PARVIS_BIN, set by `.ci/dev test`) on a fresh SQLite
// database with the demo data, listening on PARVIS_E2E_PORT (default 3100).
import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.PARVIS_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Exported for the journeys that run a command of the binary (`parvis user erase`).
process.env.PARVIS_BIN ??= path.resolve(__dirname, '../target/release/parvis');
const bin = process.env.PARVIS_BIN;
// Set once in the main process; test workers inherit these through the environment.
process.env.PARVIS_E2E_DATA ??= path.join(os.tmpdir(), `parvis-e2e-${process.pid}`);
process.env.PARVIS_E2E_MAILDIR ??= path.join(process.env.PARVIS_E2E_DATA, 'maildir');
const dataDir = process.env.PARVIS_E2E_DATA;
const mailDir = process.env.PARVIS_E2E_MAILDIR;
// A real SMTP server (aiosmtpd, installed by `.ci/dev`) receives Parvis's mail.
const smtpPort = Number(process.env.PARVIS_E2E_SMTP_PORT ?? 2525);
const python = process.env.PARVIS_PYTHON ?? 'python3';
// A real OpenID Connect provider (npm `oidc-provider`) stands in for FranceConnect. It is on
// `localhost`, Parvis on 127.0.0.1: two sites, as in production.
const oidcPort = Number(process.env.PARVIS_E2E_OIDC_PORT ?? 4010);
process.env.PARVIS_E2E_OIDC_ISSUER ??= `http://localhost:${oidcPort}`;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// On a phone's viewport: the shell (header, menu, footer, language, first-load budget)
// with and without JavaScript, and the forum journey (the one residents take most on a
// phone) hydrated. Every journey runs on desktop, with and without JavaScript.
const MOBILE_SHELL = ['shell/**/*.spec.ts'];
const MOBILE_JOURNEYS = [...MOBILE_SHELL, 'forum/proposals.spec.ts'];

const desktop = { ...devices['Desktop Chrome'], launchOptions: chromium };
// Pixel 7 is a Chromium device profile: 412×915, touch, mobile user agent.
const mobile = { ...devices['Pixel 7'], launchOptions: chromium };

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two workers keep both cores busy (the server and Chromium share them).
  workers: 2,
  // Tests are journeys over several pages, each page audited with axe at the end.
  timeout: 60_000,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    locale: 'fr-FR',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop-js', use: { ...desktop, javaScriptEnabled: true } },
    { name: 'desktop-nojs', use: { ...desktop, javaScriptEnabled: false } },
    // The rest of the pages share the shell's layout rules, and running every journey four
    // times took CI past an hour.
    {
      name: 'mobile-js',
      use: { ...mobile, javaScriptEnabled: true },
      testMatch: MOBILE_JOURNEYS,
    },
    {
      name: 'mobile-nojs',
      use: { ...mobile, javaScriptEnabled: false },
      testMatch: MOBILE_SHELL,
    },
  ],
  webServer: [{
    command: `rm -rf "${mailDir}" && mkdir -p "${dataDir}" && exec "${python}" -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox "${mailDir}"`,
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  }, {
    command: 'exec node fixtures/oidc-provider.mjs',
    url: `${process.env.PARVIS_E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { OIDC_PORT: String(oidcPort), PARVIS_URL: baseURL },
  }, {
    command: `rm -f "${dataDir}"/parvis.db* && mkdir -p "${dataDir}" && "${bin}" demo-data && exec "${bin}" serve`,
    cwd: path.resolve(__dirname, '..'),
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/parvis.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_ENV: 'PROD',
      PARVIS_LOG: 'warn',
      PARVIS_PUBLIC_URL: baseURL,
      PARVIS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      // Many accounts from one address in a few minutes: limits are covered by the HTTP tests.
      PARVIS_LIMIT_SIGNIN_PER_MINUTE: '1000',
      PARVIS_LIMIT_SIGNUP_PER_DAY: '1000',
      PARVIS_LIMIT_MAILS_PER_ADDRESS_PER_HOUR: '1000',
      PARVIS_LIMIT_MAILS_PER_IP_PER_HOUR: '1000',
      PARVIS_LIMIT_ANONYMOUS_POSTS_PER_MINUTE: '100000',
      // Accounts signed up by the journeys post at once: the limits of new accounts'
      // first day are covered by the database tests.
      PARVIS_MODERATION_NEW_ACCOUNT_HOURS: '0',
      PARVIS_OIDC_ISSUER: process.env.PARVIS_E2E_OIDC_ISSUER,
      PARVIS_OIDC_CLIENT_ID: 'parvis',
      PARVIS_OIDC_CLIENT_SECRET: 'parvis-e2e-secret',
      PARVIS_OIDC_ACR: 'eidas1 eidas2',
      PARVIS_OIDC_LABEL: 'Identité Test',
    },
  }],
});
