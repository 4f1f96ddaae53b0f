// Debian's Chromium as the tests and benchmarks drive it. Never Playwright's own browser download (this
// machine cannot fetch it); the background-networking flags keep Chromium from dialling out on a closed network.
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
