import { describe, expect, it } from 'vitest';
import { analyzeScript, type ScriptSource } from './analyze.ts';
import type { ScriptFacts, ShellCommand } from './model.ts';
import { partFiles } from './files.ts';
import { tempRepository } from './testing.ts';
import type { PartFiles } from './walk.ts';

const noFiles: PartFiles = { resolve: () => undefined, read: () => undefined };

const analyze = (text: string, options: Partial<ScriptSource> = {}): Promise<ScriptFacts> =>
  analyzeScript({ file: 'p1/scripts/x.sh', text, dotenv: {}, files: noFiles, ...options });

const argvOf = (command: ShellCommand | undefined): string[] => command?.argv.map((word) => word.value) ?? [];
const find = (facts: ScriptFacts, name: string): ShellCommand[] => facts.commands.filter((command) => command.argv[0]?.value === name);

describe('placeholder resolution order', () => {
  it('takes the provisioner env first, then the script, then .env', async () => {
    const text = 'A=script\nB=script\necho "$A" "$B" "$C" "$D"\n';
    const facts = await analyze(text, { env: { A: 'env' }, dotenv: { A: 'dotenv', B: 'dotenv', C: 'dotenv' } });
    const echo = find(facts, 'echo')[0]!;
    expect(argvOf(echo)).toEqual(['echo', 'env', 'script', 'dotenv', '$D']);
    expect(echo.argv[4]!.unresolved).toEqual(['$D']);
    expect(echo.argv[1]!.unresolved).toEqual([]);
  });

  it('resolves $1 $2 from the provisioner args through assignments', async () => {
    const facts = await analyze('SERVER_IP="$1"\nNODE_IP=$2\necho "https://${SERVER_IP}:6443" $NODE_IP $3\n', {
      args: ['192.168.56.110', '192.168.56.111'],
    });
    expect(argvOf(find(facts, 'echo')[0])).toEqual(['echo', 'https://192.168.56.110:6443', '192.168.56.111', '$3']);
  });

  it('gives ${X:-v} the default only when nothing else sets X', async () => {
    const text = 'A=${A:-default}\nB=${B:-default}\nC=${C:-default}\necho $A $B $C ${D:-d} ${E:+set}\n';
    const facts = await analyze(text, { env: { A: 'from-env' }, dotenv: { B: 'from-dotenv' } });
    expect(argvOf(find(facts, 'echo')[0])).toEqual(['echo', 'from-env', 'from-dotenv', 'default', 'd']);
  });

  it('applies later assignments to later commands only', async () => {
    const facts = await analyze('X=one\necho $X\nX=two\necho $X\nexport X=three\necho $X\n');
    expect(find(facts, 'echo').map((command) => command.argv[1]!.value)).toEqual(['one', 'two', 'three']);
  });

  it('runs a for loop body once per constant word', async () => {
    const facts = await analyze(
      'NAMESPACES="argocd dev"\nfor ns in $NAMESPACES; do\n  kubectl create namespace "$ns"\ndone\nfor f in a "b c"; do echo "$f"; done\n',
    );
    expect(find(facts, 'kubectl').map((command) => command.argv[3]!.value)).toEqual(['argocd', 'dev']);
    expect(find(facts, 'kubectl').map((command) => command.location.line)).toEqual([3, 3]);
    expect(find(facts, 'echo').map((command) => command.argv[1]!.value)).toEqual(['a', 'b c']);
  });

  it('splits unquoted expansions into words, keeps quoted ones whole', async () => {
    const facts = await analyze('ARGS="--node-ip 10.0.0.1 --flannel-iface eth1"\ncmd $ARGS\ncmd "$ARGS"\n');
    const [split, whole] = find(facts, 'cmd');
    expect(argvOf(split)).toEqual(['cmd', '--node-ip', '10.0.0.1', '--flannel-iface', 'eth1']);
    expect(argvOf(whole)).toEqual(['cmd', '--node-ip 10.0.0.1 --flannel-iface eth1']);
  });

  it('keeps unresolved placeholders as written and names them', async () => {
    const facts = await analyze('URL="https://${MASTER}:6443"\nIP=$(hostname -I | awk \'{print $2}\')\necho "$URL" "$IP"\n');
    const echo = find(facts, 'echo')[0]!;
    expect(echo.argv[1]).toMatchObject({ value: 'https://${MASTER}:6443', unresolved: ['${MASTER}'] });
    expect(echo.argv[2]!.unresolved).toEqual(["$(hostname -I | awk '{print $2}')"]);
    expect(find(facts, 'hostname')).toHaveLength(1);
  });

  it('runs functions where they are called, with their arguments', async () => {
    const facts = await analyze('greet() { echo "hello $1"; }\necho first\ngreet world\n');
    expect(find(facts, 'echo').map((command) => command.argv[1]!.value)).toEqual(['first', 'hello world']);
  });

  it('resolves $(dirname "$0") and cd … && pwd to the script folder', async () => {
    const facts = await analyze(
      'DIR="$(cd "$(dirname "$0")" && pwd)"\nkubectl apply -f "$DIR/../confs/app.yaml"\nkubectl apply -f "$(dirname "${BASH_SOURCE[0]}")/x.yaml"\n',
      { file: 'p3/scripts/setup.sh' },
    );
    expect(find(facts, 'kubectl').map((command) => command.argv[3]!.value)).toEqual(['p3/scripts/../confs/app.yaml', 'p3/scripts/x.yaml']);
  });

  it('reports a syntax error with its line and analyses nothing', async () => {
    const facts = await analyze('#!/bin/bash\necho ok\ncase x in\n');
    expect(facts.parsed).toBe(false);
    expect(facts.parseError?.line).toBe(3);
    expect(facts.commands).toEqual([]);
  });

  it('reads the shell from the shebang', async () => {
    expect((await analyze('#!/bin/sh\necho\n')).shell).toBe('sh');
    expect((await analyze('#!/usr/bin/env bash\necho\n')).shell).toBe('bash');
    expect((await analyze('echo\n')).shell).toBe('bash');
  });
});

describe('commands, guards and files written', () => {
  it('links a pipeline and keeps env prefixes on the command they precede', async () => {
    const facts = await analyze('curl -sfL https://get.k3s.io | K3S_URL=https://s:6443 sh -s - agent\n');
    const sh = find(facts, 'sh')[0]!;
    expect(argvOf(sh.pipedFrom)).toEqual(['curl', '-sfL', 'https://get.k3s.io']);
    expect(sh.env.K3S_URL!.value).toBe('https://s:6443');
    expect(find(facts, 'curl')[0]!.env).toEqual({});
  });

  it('marks commands guarded by command -v, which, type and test -x', async () => {
    const text = [
      'if ! command -v docker >/dev/null 2>&1; then',
      '  curl -fsSL https://get.docker.com | sh',
      'fi',
      'command -v k3d >/dev/null || curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash',
      'which kubectl || snap install kubectl --classic',
      'if type helm; then echo present; else snap install helm; fi',
      '[ -x /usr/local/bin/argocd ] || install -m 555 argocd /usr/local/bin/argocd',
      'echo unguarded',
    ].join('\n');
    const facts = await analyze(text);
    const guard = (name: string): Array<string | undefined> => find(facts, name).map((command) => command.guardedBy);
    expect(guard('curl')).toEqual(['command -v docker', 'command -v k3d']);
    expect(guard('snap')).toEqual(['which kubectl', 'type helm']);
    expect(guard('install')[0]).toMatch(/-x \/usr\/local\/bin\/argocd/);
    expect(find(facts, 'echo').map((command) => command.guardedBy)).toEqual([undefined, undefined]);
  });

  it('records files written by heredoc, echo, printf and tee, with resolved content', async () => {
    const text = [
      'IP=10.0.0.5',
      'cat > /etc/rancher/k3s/config.yaml <<EOF',
      'node-ip: $IP',
      'EOF',
      'echo "flannel-iface: eth1" >> /etc/rancher/k3s/config.yaml',
      'printf \'a: %s\\n\' "$IP" > /tmp/a.yaml',
      "cat <<'EOF' | sudo tee /etc/b.conf >/dev/null",
      'literal: $IP',
      'EOF',
    ].join('\n');
    const facts = await analyze(`${text}\n`);
    const written = Object.fromEntries(facts.writtenFiles.map((file) => [file.path, file.content]));
    expect(written['/etc/rancher/k3s/config.yaml']).toBe('node-ip: 10.0.0.5\nflannel-iface: eth1\n');
    expect(written['/tmp/a.yaml']).toBe('a: 10.0.0.5\n');
    expect(written['/etc/b.conf']).toBe('literal: $IP\n');
    expect(facts.writtenFiles.find((file) => file.path === '/etc/b.conf')!.location.line).toBe(7);
  });

  it('records copies of files of the part, into a file or a folder', async () => {
    const files: PartFiles = {
      resolve: (path) => (path === '/vagrant/confs/config.yaml' || path === '../confs/config.yaml' ? 'p1/confs/config.yaml' : undefined),
      read: (path) => (path === 'p1/confs/config.yaml' ? 'node-ip: 192.168.56.110\n' : undefined),
    };
    const facts = await analyze(
      'mkdir -p /etc/rancher/k3s\ncp /vagrant/confs/config.yaml /etc/rancher/k3s/\ninstall -D -m 600 ../confs/config.yaml /etc/other.yaml\n',
      { files },
    );
    expect(facts.writtenFiles.map(({ path, from }) => ({ path, from }))).toEqual([
      { path: '/etc/rancher/k3s/config.yaml', from: 'p1/confs/config.yaml' },
      { path: '/etc/other.yaml', from: 'p1/confs/config.yaml' },
    ]);
  });

  it('lists calls of scripts of the part with their arguments', async () => {
    const files: PartFiles = {
      resolve: (path) =>
        ({ './common.sh': 'p1/scripts/common.sh', '/vagrant/scripts/join.sh': 'p1/scripts/join.sh', 'env.sh': 'p1/scripts/env.sh' })[path],
      read: (path) => (path === 'p1/scripts/env.sh' ? 'FROM_SOURCED=yes\n' : '#!/bin/bash\n'),
    };
    const text = 'export TOKEN=abc\nbash ./common.sh one\n/vagrant/scripts/join.sh\n. env.sh\necho $FROM_SOURCED\nsh ./missing.sh\n';
    const facts = await analyze(text, { files });
    expect(facts.calls).toEqual(['p1/scripts/common.sh', 'p1/scripts/join.sh', 'p1/scripts/env.sh']);
    expect(facts.callSites![0]).toMatchObject({ sourced: false, vars: { TOKEN: 'abc' } });
    expect(facts.callSites![0]!.args.map((word) => word.value)).toEqual(['one']);
    expect(facts.callSites![2]!.sourced).toBe(true);
    expect(argvOf(find(facts, 'echo')[0])).toEqual(['echo', 'yes']);
  });

  it('walks `sh -c` strings and command substitutions', async () => {
    const facts = await analyze('sudo sh -c "curl -sfL https://get.k3s.io | sh -"\nTOKEN=$(cat /var/lib/rancher/k3s/server/node-token)\n');
    expect(find(facts, 'curl')).toHaveLength(1);
    expect(find(facts, 'cat')).toHaveLength(1);
    expect(facts.k3sInstalls).toHaveLength(1);
  });
});

describe('declarations', () => {
  it('binds export/declare/local values and runs their substitutions once', async () => {
    const facts = await analyze('export TOKEN=$(cat /tmp/token) NAME="a b"\ndeclare -x MODE=server\nlocal L=1\necho "$NAME" $MODE $L\n');
    expect(find(facts, 'cat')).toHaveLength(1);
    expect(argvOf(find(facts, 'echo')[0])).toEqual(['echo', 'a b', 'server', '1']);
    expect(Object.keys(find(facts, 'echo')[0]!.inheritedEnv ?? {}).sort()).toEqual(['MODE', 'NAME', 'TOKEN']);
  });
});

describe('positional parameters', () => {
  it('passes "$@" on as separate words', async () => {
    const facts = await analyze('main() {\n  echo "$1" "$2"\n}\nmain "$@"\nshift\necho "$1"\n', { args: ['one', 'two words'] });
    expect(find(facts, 'echo').map(argvOf)).toEqual([
      ['echo', 'one', 'two words'],
      ['echo', 'two words'],
    ]);
  });
});

describe('arrays', () => {
  it('runs a for loop over "${A[@]}" once per element', async () => {
    const facts = await analyze('NS=(argocd dev)\nfor ns in "${NS[@]}"; do\n  kubectl create namespace "$ns"\ndone\n');
    expect(find(facts, 'kubectl').map(argvOf)).toEqual([
      ['kubectl', 'create', 'namespace', 'argocd'],
      ['kubectl', 'create', 'namespace', 'dev'],
    ]);
  });

  it('reads elements, counts, indices and the joined form', async () => {
    const text =
      'A=(first "two words" three)\ni=1\necho "${A[0]}" "${A[i]}" "${A[$i]}" "${A[-1]}" "$A" "${#A[@]}" "${#A[0]}" ${!A[@]} "${A[*]}"\n';
    const facts = await analyze(text);
    expect(argvOf(find(facts, 'echo')[0])).toEqual([
      'echo',
      'first',
      'two words',
      'two words',
      'three',
      'first',
      '3',
      '5',
      '0',
      '1',
      '2',
      'first two words three',
    ]);
  });

  it('keeps quoted elements whole and splits unquoted ones', async () => {
    const facts = await analyze('A=("a b" c)\ncmd "${A[@]}"\ncmd ${A[@]}\nE=()\ncmd "${E[@]}" end\n');
    expect(find(facts, 'cmd').map(argvOf)).toEqual([
      ['cmd', 'a b', 'c'],
      ['cmd', 'a', 'b', 'c'],
      ['cmd', 'end'],
    ]);
  });

  it('appends, sets single elements, and declares arrays with declare/local', async () => {
    const text =
      'A=(x)\nA+=(y "z w")\nA[5]=five\ndeclare -a B=(b1 b2)\nlocal -a C\nC[0]=c0\ndeclare -A M=([argocd]=a [dev]="d e")\necho "${A[@]}" "${#A[@]}" "${B[1]}" "${C[@]}" "${M[dev]}" "${!M[@]}"\n';
    const facts = await analyze(text);
    expect(argvOf(find(facts, 'echo')[0])).toEqual(['echo', 'x', 'y', 'z w', 'five', '4', 'b2', 'c0', 'd e', 'argocd', 'dev']);
  });

  it('names an element whose index cannot be known', async () => {
    const facts = await analyze('A=(x y)\necho "${A[$n]}" "${A[@]}"\n');
    const echo = find(facts, 'echo')[0]!;
    expect(argvOf(echo)).toEqual(['echo', '${A[$n]}', 'x', 'y']);
    expect(echo.argv[1]!.unresolved).toEqual(['${A[$n]}']);
  });

  it('passes array elements to functions as separate arguments', async () => {
    const facts = await analyze('create() { for ns in "$@"; do kubectl create ns "$ns"; done; }\nNS=(argocd dev)\ncreate "${NS[@]}"\n');
    expect(find(facts, 'kubectl').map((command) => command.argv[3]!.value)).toEqual(['argocd', 'dev']);
  });
});

describe('eval', () => {
  it('runs a resolvable string as a script in the same shell', async () => {
    const facts = await analyze('CMD="export MODE=server; echo \\$MODE"\neval "$CMD"\necho "after $MODE"\neval "$UNKNOWN"\n');
    expect(find(facts, 'echo').map(argvOf)).toEqual([
      ['echo', 'server'],
      ['echo', 'after server'],
    ]);
  });

  it('runs a string that still holds unknown values, keeping them unresolved', async () => {
    const text =
      'LOG="/tmp/$(hostname).log"\nrun() {\n  eval $1 &>> $LOG\n}\nrun "nohup /usr/local/bin/k3s server --node-ip ${IP} >$LOG &"\n';
    const facts = await analyze(text);
    const k3s = find(facts, 'nohup')[0];
    expect(argvOf(k3s)).toEqual(['nohup', '/usr/local/bin/k3s', 'server', '--node-ip', '${IP}']);
    expect(k3s!.argv[4]!.unresolved).toEqual(['${IP}']);
    expect(k3s!.writesTo).toBe('/tmp/$(hostname).log');
    expect(find(facts, 'hostname')).toHaveLength(1);
  });
});

describe('constants from a file the script sources (read, never run)', () => {
  it('by a constant relative path: same folder, $(dirname "$0"), ../confs, a shared file outside the part; in order with the other sources', async () => {
    const repo = await tempRepository({
      'p1/scripts/configs.sh': 'SERVER_IP=192.168.56.110\nNAME=from-sourced\nLATE=sourced\n',
      'p1/scripts/vars.sh': 'TOKEN_FILE=/vagrant/token\n',
      'p1/confs/env.sh': 'FLANNEL=eth1\n',
      'common/team.sh': 'TEAM=wil\n',
      'p1/scripts/server.sh': [
        '#!/bin/bash',
        'NAME=own',
        'source ./configs.sh',
        '. "$(dirname "$0")/vars.sh"',
        'source ../confs/env.sh',
        'source ../../common/team.sh',
        'source "$UNKNOWN_FILE"',
        'echo "$SERVER_IP" "$NAME" "$TOKEN_FILE" "$FLANNEL" "$TEAM" "$FROM_ENV" "$LATE" "$DOTENV_ONLY"',
        '',
      ].join('\n'),
    });
    const text = repo.ctx.target.file('p1/scripts/server.sh')!.text!;
    const facts = await analyze(text, {
      file: 'p1/scripts/server.sh',
      env: { FROM_ENV: 'provisioner', SERVER_IP: 'provisioner-ip' },
      dotenv: { LATE: 'dotenv', DOTENV_ONLY: 'dotenv' },
      files: partFiles(repo.ctx.target, 'p1', 'p1/scripts/server.sh'),
    });
    // The provisioner's env first; then the script and the files it sources, in the order they run
    // (the sourced NAME replaces the script's own earlier one); then .env.
    expect(argvOf(find(facts, 'echo')[0])).toEqual([
      'echo',
      'provisioner-ip',
      'from-sourced',
      '/vagrant/token',
      'eth1',
      'wil',
      'provisioner',
      'sourced',
      'dotenv',
    ]);
    // A file outside the part gives its variables but is no script of the part.
    expect(facts.calls).toEqual(['p1/scripts/configs.sh', 'p1/scripts/vars.sh', 'p1/confs/env.sh']);
  });

  it('a symbolic link out of the repository is not read; a file it would name stays unresolved', async () => {
    const repo = await tempRepository({
      'p3/scripts/setup.sh': '#!/bin/bash\nsource ./secrets.sh\necho "$HOSTNAME_FROM_FILE"\n',
    });
    const { symlink } = await import('node:fs/promises');
    await symlink('/etc/hostname', `${repo.ctx.config.repo}/p3/scripts/secrets.sh`);
    const { openTarget } = await import('../target/repository.ts');
    const target = await openTarget(repo.ctx.config.repo);
    const facts = await analyze(target.file('p3/scripts/setup.sh')!.text!, {
      file: 'p3/scripts/setup.sh',
      files: partFiles(target, 'p3', 'p3/scripts/setup.sh'),
    });
    expect(find(facts, 'echo')[0]!.argv[1]!.unresolved).toEqual(['$HOSTNAME_FROM_FILE']);
  });
});
