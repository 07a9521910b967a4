/**
 * The few system packages the real-host tooling needs. On Debian/Ubuntu as root they are installed with apt-get;
 * anywhere else the runner stops and names exactly what to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SetupError, step } from './log';
import { runVisible } from './processes';

/** What a package is for, how to see that it is there, and its names on other systems for the error message. */
interface SystemPackage {
  debian: string;
  purpose: string;
  present: () => boolean;
  elsewhere: string;
}

/** Overrides /usr/bin/chromium, e.g. for a machine whose Chromium lives elsewhere. */
export function chromiumPath(): string {
  return process.env.AEM_GUIDES_CHROMIUM || '/usr/bin/chromium';
}

const PACKAGES = {
  chromium: {
    debian: 'chromium',
    purpose: 'the browser that drives the VS Code workbench in tests',
    present: () => existsSync(chromiumPath()),
    elsewhere: 'Chromium or Google Chrome (then set AEM_GUIDES_CHROMIUM to its executable)',
  },
  'libkrb5-dev': {
    debian: 'libkrb5-dev',
    purpose: "the Kerberos headers that code-server's native `kerberos` module compiles against",
    present: () => existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/gssapi.h'),
    elsewhere: 'the Kerberos/GSSAPI development headers (krb5-devel on Fedora, krb5 on macOS with Homebrew)',
  },
  ripgrep: {
    debian: 'ripgrep',
    purpose: 'the `rg` binary that code-server needs and cannot download offline',
    present: () => existsSync('/usr/bin/rg'),
    elsewhere: 'ripgrep, as /usr/bin/rg',
  },
} satisfies Record<string, SystemPackage>;

export type SystemPackageName = keyof typeof PACKAGES;

/** True on Debian, Ubuntu and their derivatives (where apt-get can install the packages). */
function isDebianLike(): boolean {
  if (!existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && existsSync('/usr/bin/apt-get');
}

/** One `apt-get update` per run is enough. */
let aptUpdated = false;

/** Installs the missing packages among `names`, or throws a message that says what to install by hand. */
export async function ensureSystemPackages(names: SystemPackageName[]): Promise<void> {
  const missing = names.filter((name) => !PACKAGES[name].present());
  if (missing.length === 0) return;
  const list = missing.map((name) => `  - ${PACKAGES[name].debian}: ${PACKAGES[name].purpose}`).join('\n');
  const debianNames = missing.map((name) => PACKAGES[name].debian).join(' ');
  if (!isDebianLike()) {
    const elsewhere = missing.map((name) => `  - ${PACKAGES[name].elsewhere}`).join('\n');
    throw new SetupError(`Missing system packages; please install:\n${elsewhere}\nThey provide:\n${list}`);
  }
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      `Missing system packages:\n${list}\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y ${debianNames}`,
    );
  }
  step(`Installing system packages with apt-get: ${debianNames}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    await runVisible('apt-get', ['update', '-q'], env, 'apt-get update failed');
    aptUpdated = true;
  }
  await runVisible(
    'apt-get',
    ['install', '-y', '-q', ...missing.map((name) => PACKAGES[name].debian)],
    env,
    `apt-get install ${debianNames} failed`,
  );
  const stillMissing = missing.filter((name) => !PACKAGES[name].present());
  if (stillMissing.length > 0) {
    throw new SetupError(`apt-get finished but these are still missing: ${stillMissing.join(', ')}`);
  }
}
