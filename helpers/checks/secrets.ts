// G-NO-SECRETS: nothing that opens the cluster or a machine is committed.
import { committableFiles } from '../target/git.ts';
import type { TargetFile } from '../target/repository.ts';
import type { StaticChecks } from './context.ts';
import { fail, pass } from './result.ts';
import type { Location } from '../target/location.ts';

const K3S_TOKEN = /K10[0-9a-f]{32,}::/;
const BARE_HEX_TOKEN = /^\s*[0-9a-f]{32,}\s*$/;
const CLIENT_KEY_DATA = /^\s*client-key-data:\s*["']?[A-Za-z0-9+/=]{20,}/m;
const PRIVATE_KEY = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/;

interface Finding {
  what: string;
  location: Location;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

function findSecret(file: TargetFile): Finding | undefined {
  const text = file.text;
  if (text === undefined) return undefined;
  const at = (pattern: RegExp, what: string): Finding | undefined => {
    const match = pattern.exec(text);
    return match ? { what: `${what} in ${file.path}`, location: { file: file.path, line: lineOf(text, match.index) } } : undefined;
  };
  const name = file.path.split('/').pop() ?? '';
  return (
    at(K3S_TOKEN, 'a K3s token') ??
    (/token/i.test(name) && BARE_HEX_TOKEN.test(text)
      ? { what: `a bare token in ${file.path}`, location: { file: file.path, line: 1 } }
      : undefined) ??
    at(CLIENT_KEY_DATA, 'a kubeconfig client key') ??
    at(PRIVATE_KEY, 'a private key')
  );
}

export const secretChecks = {
  'G-NO-SECRETS': async (ctx) => {
    const committable = await committableFiles(ctx.target.root);
    const committed = (path: string): boolean => committable === undefined || committable.has(path);
    const findings: Finding[] = [];
    const vagrantDirs = new Set<string>();
    for (const file of ctx.target.files) {
      if (!committed(file.path)) continue;
      const vagrantDir = /^(.*?\/)?\.vagrant\//.exec(file.path);
      if (vagrantDir) {
        const dir = `${vagrantDir[1] ?? ''}.vagrant/`;
        if (!vagrantDirs.has(dir))
          findings.push({ what: `the ${dir} directory (Vagrant's machine state, with SSH keys)`, location: { file: dir } });
        vagrantDirs.add(dir);
        continue;
      }
      // The submission is its parts (and the files beside them at the root); other folders of a
      // repository, such as a test suite's data, are not part of it.
      if (file.part === undefined && file.path.includes('/')) continue;
      const finding = findSecret(file);
      if (finding) findings.push(finding);
    }
    const scope = committable === undefined ? 'files' : 'committed files';
    if (findings.length === 0)
      return pass('G-NO-SECRETS', `no token, kubeconfig key, private key or .vagrant/ directory among the ${scope}`);
    return fail(
      'G-NO-SECRETS',
      `committed secrets: ${findings.map((finding) => finding.what).join('; ')}`,
      'remove them from the repository (git rm --cached), add them to .gitignore, and generate tokens and kubeconfigs at run time; rotate any token that was pushed',
      findings.map((finding) => finding.location),
    );
  },
} satisfies StaticChecks;
