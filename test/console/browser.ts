// Browser tests' harness: Debian's chromium, driven headless by puppeteer-core, against the
// real service listening on a free loopback port. No browser is downloaded: .ci/run installs
// chromium with apt-get.
import { execFileSync } from 'node:child_process'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import type { Test } from 'tap'
import { buildTestApp, type TestApp } from '../helper.js'

/** The chromium binary on PATH; the test fails with what to install when there is none. */
export function chromiumPath (): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim()
    } catch { /* try the next name */ }
  }
  throw new Error('no chromium on PATH: apt-get install -y chromium (.ci/run does)')
}

export async function launchBrowser (t: Test): Promise<Browser> {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
  })
  t.teardown(async () => { await browser.close() })
  return browser
}

/** The real app, listening on loopback; `base` is its URL. */
export async function servedApp (t: Test, redisUrl: string, env: Record<string, string> = {}): Promise<TestApp & { base: string }> {
  const built = await buildTestApp(t, redisUrl, env)
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...built, base }
}

/** A page with the console open and `key` signed in, waiting at the review view. */
export async function signedIn (t: Test, browser: Browser, base: string, key: string, options: { bypassCsp?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage()
  // A browser error is a test failure: it would otherwise go unseen.
  page.on('pageerror', (err) => { t.fail(`page error: ${err instanceof Error ? err.message : String(err)}`) })
  await page.setViewport({ width: 1200, height: 900 })
  // Only where a test must inject axe-core or prove that the DOM code alone keeps markup inert.
  if (options.bypassCsp === true) await page.setBypassCSP(true)
  await page.goto(`${base}/console/`)
  await page.waitForSelector('#key')
  await page.type('#key', key)
  await page.keyboard.press('Enter')
  await page.waitForSelector('#nav:not([hidden])')
  return page
}

/** The id of the comment the console shows, or null. */
export async function shownId (page: Page): Promise<string | null> {
  return await page.evaluate(() => document.getElementById('comment-id')?.textContent ?? null)
}
