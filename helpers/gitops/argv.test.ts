import { describe, expect, test } from 'vitest';
import { flag, HELM, KUBECTL, parseArgs, switchOn, unwrap } from './argv.ts';
import { words } from './fake-facts.ts';

const values = (list: ReturnType<typeof words>): string[] => list.map((word) => word.value);

describe('unwrap', () => {
  test.each([
    ['sudo -E kubectl apply -f x', 'kubectl apply -f x'],
    ['sudo -u root env KUBECONFIG=/k kubectl get ns', 'kubectl get ns'],
    ['k3s kubectl apply -f x', 'kubectl apply -f x'],
    ['timeout -s KILL 60 kubectl wait', 'kubectl wait'],
    ['/usr/local/bin/kubectl apply', '/usr/local/bin/kubectl apply'],
  ])('%s runs %s', (line, expected) => {
    expect(values(unwrap(words(line))).join(' ')).toBe(expected);
  });

  test('command -v is a lookup, not a run', () => {
    expect(unwrap(words('command -v kubectl'))).toEqual([]);
  });
});

describe('parseArgs', () => {
  test('kubectl flags in every spelling', () => {
    const args = parseArgs(words('kubectl --namespace=argocd apply -nother -f a.yaml --filename b.yaml --server-side -- extra'), KUBECTL);
    expect(args.tool).toBe('kubectl');
    expect(values(args.positionals)).toEqual(['apply', 'extra']);
    expect(flag(args, '--namespace')?.value).toBe('other');
    expect(values(args.flags.get('--filename')!)).toEqual(['a.yaml', 'b.yaml']);
    expect(switchOn(args, '--server-side')).toBe(true);
  });

  test('helm switches do not swallow the release and chart', () => {
    const args = parseArgs(
      words('helm upgrade --install --create-namespace -n argocd --wait argocd argo/argo-cd --version 8.3.0 --set a=1,b=2'),
      HELM,
    );
    expect(values(args.positionals)).toEqual(['upgrade', 'argocd', 'argo/argo-cd']);
    expect(flag(args, '--version')?.value).toBe('8.3.0');
    expect(switchOn(args, '--create-namespace')).toBe(true);
    expect(switchOn(args, '--atomic')).toBe(false);
  });

  test('a switch set to false is off', () => {
    const args = parseArgs(words('argocd app set x --self-heal=false'), { valued: new Set(), aliases: {} });
    expect(switchOn(args, '--self-heal')).toBe(false);
  });
});
