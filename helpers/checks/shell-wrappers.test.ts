// Scripts handed to a shell by a wrapper (su, runuser, sg, newgrp, sudo -s, a heredoc on stdin …)
// run in place: graded through the real Part 3 checks over a temporary repository.
import { describe, expect, it } from 'vitest';
import { gitopsChecks } from './gitops.ts';
import { provisioningChecks } from './provisioning.ts';
import type { CheckResult } from './result.ts';
import { analyzeScript } from '../shell/analyze.ts';
import { effective, scriptRunOf, unwrapArgv } from '../shell/invocation.ts';
import type { Word } from '../shell/model.ts';
import { tempRepository } from '../shell/testing.ts';

async function grade(id: keyof typeof provisioningChecks | keyof typeof gitopsChecks, script: string): Promise<CheckResult> {
  const repository = await tempRepository({ 'p3/scripts/a.sh': script });
  const check =
    id in provisioningChecks ? provisioningChecks[id as keyof typeof provisioningChecks] : gitopsChecks[id as keyof typeof gitopsChecks];
  return check!(repository.ctx);
}

const words = (...values: string[]): Word[] => values.map((value) => ({ value, raw: value, unresolved: [] }));
const CREATE = 'k3d cluster create x';

describe('a script handed to a shell runs in place (P3-K3D)', () => {
  const passing: Array<[string, string, number]> = [
    ['sg GROUP -c', `#!/bin/bash\nsg docker -c "${CREATE}"\n`, 2],
    ['sg GROUP CMD', `#!/bin/bash\nsg docker "${CREATE}"\n`, 2],
    ['su USER -c', `#!/bin/bash\nsu vagrant -c "${CREATE}"\n`, 2],
    ['sudo su - USER -c', `#!/bin/bash\nsudo su - vagrant -c "${CREATE}"\n`, 2],
    ['su -lc CMD USER', `#!/bin/bash\nsu -lc '${CREATE}' vagrant\n`, 2],
    ['su --command=CMD', `#!/bin/bash\nsu vagrant --command="${CREATE}"\n`, 2],
    ['runuser -l USER -c', `#!/bin/bash\nrunuser -l vagrant -c "${CREATE}"\n`, 2],
    ['runuser -u USER -- CMD', `#!/bin/bash\nrunuser -u vagrant -- ${CREATE}\n`, 2],
    ['script -q -c CMD /dev/null', `#!/bin/bash\nscript -q -c "${CREATE}" /dev/null\n`, 2],
    ['script -qc CMD /dev/null', `#!/bin/bash\nscript -qc "${CREATE}" /dev/null\n`, 2],
    ['newgrp GROUP <<EOF', `#!/bin/bash\nnewgrp docker <<EOF\n${CREATE}\nEOF\n`, 3],
    ['bash <<EOF', `#!/bin/bash\necho start\nbash <<EOF\necho one\n${CREATE}\nEOF\n`, 5],
    ["sudo bash <<'EOF'", `#!/bin/bash\nsudo bash <<'EOF'\n${CREATE}\nEOF\n`, 3],
    ['sh -s <<EOF', `#!/bin/bash\nsh -s <<EOF\n${CREATE}\nEOF\n`, 3],
    ['sudo -u USER -H bash <<EOF', `#!/bin/bash\nsudo -u vagrant -H bash <<EOF\n${CREATE}\nEOF\n`, 3],
    ['sudo -i <<EOF', `#!/bin/bash\nsudo -i <<EOF\n${CREATE}\nEOF\n`, 3],
    ['sudo -iu USER <<EOF', `#!/bin/bash\nsudo -iu vagrant <<EOF\n${CREATE}\nEOF\n`, 3],
    ['sudo su vagrant <<EOF', `#!/bin/bash\nsudo su vagrant <<EOF\n${CREATE}\nEOF\n`, 3],
    ['bash <<< STRING', `#!/bin/bash\nbash <<< "${CREATE}"\n`, 2],
    ['cat <<EOF | sudo bash', `#!/bin/bash\ncat <<EOF | sudo bash\n${CREATE}\nEOF\n`, 3],
    ['echo CMD | sh', `#!/bin/bash\necho "${CREATE}" | sh\n`, 2],
  ];

  it.each(passing)('%s', async (_, script, line) => {
    const result = await grade('P3-K3D', script);
    expect(result.status, result.message).toBe('pass');
    expect(result.locations).toEqual([{ file: 'p3/scripts/a.sh', line }]);
    expect(result.message).toContain(`\`${CREATE}\``);
  });

  it('expands an unquoted heredoc first, and leaves a quoted one for the inner shell', async () => {
    const unquoted = await grade('P3-K3D', '#!/bin/bash\nNAME=iot\nsu vagrant <<EOF\nk3d cluster create $NAME\nEOF\n');
    expect(unquoted.message).toContain('`k3d cluster create iot`');
    const escaped = await grade('P3-K3D', '#!/bin/bash\nNAME=outer\nbash <<EOF\nNAME=inner\nk3d cluster create \\$NAME\nEOF\n');
    expect(escaped.message).toContain('`k3d cluster create inner`');
    const quoted = await grade('P3-K3D', "#!/bin/bash\nNAME=outer\nbash <<'EOF'\nNAME=inner\nk3d cluster create $NAME\nEOF\n");
    expect(quoted.message).toContain('`k3d cluster create inner`');
  });

  it('calls a script of the part fed on stdin (`bash -s ARGS < file`) with its arguments', async () => {
    const facts = await analyzeScript({
      file: 'p3/scripts/a.sh',
      text: '#!/bin/bash\nsudo bash -s iot < "$(dirname "$0")/cluster.sh"\n',
      dotenv: {},
      files: { resolve: (path) => (path === 'p3/scripts/cluster.sh' ? path : undefined), read: () => 'k3d cluster create "$1"\n' },
    });
    expect(facts.callSites).toMatchObject([{ path: 'p3/scripts/cluster.sh', args: [{ value: 'iot' }], sourced: false }]);
  });

  it('gives `bash -c` its positional parameters ($0 first)', async () => {
    const result = await grade('P3-K3D', `#!/bin/bash\nbash -c 'k3d cluster create "$1"' _ iot\n`);
    expect(result.message).toContain('`k3d cluster create iot`');
  });

  it('does not count a command run on another machine, nor text no shell reads', async () => {
    for (const script of [
      `#!/bin/bash\nssh vagrant@192.168.56.110 '${CREATE}'\n`,
      `#!/bin/bash\nssh vagrant@192.168.56.110 <<EOF\n${CREATE}\nEOF\n`,
      `#!/bin/bash\ncat > /tmp/later.sh <<EOF\n${CREATE}\nEOF\n`,
      `#!/bin/bash\nsu vagrant -c "$UNKNOWN_COMMAND"\n`,
      `#!/bin/bash\nbash -c "echo ${CREATE}"\n`,
    ]) {
      const result = await grade('P3-K3D', script);
      expect(result.status, script).toBe('fail');
    }
  });

  it('walks a substitution the outer shell already ran only once', async () => {
    const facts = await analyzeScript({
      file: 'p3/scripts/a.sh',
      text: '#!/bin/bash\nbash <<EOF\nk3d cluster create $(cat /tmp/name)\nEOF\n',
      dotenv: {},
      files: { resolve: () => undefined, read: () => undefined },
    });
    expect(facts.commands.filter((command) => effective(command).name === 'cat')).toHaveLength(1);
    const create = facts.commands.find((command) => effective(command).name === 'k3d')!;
    expect(create.argv.map((word) => word.value)).toEqual(['k3d', 'cluster', 'create', '$(cat /tmp/name)']);
    expect(create.argv[3]!.unresolved).toEqual(['$(cat /tmp/name)']);
  });
});

describe('installs and namespaces through wrappers (P3-INSTALL, P3-NAMESPACES)', () => {
  it('counts installs run by su -c and a heredoc fed to sudo bash', async () => {
    const script = [
      '#!/bin/bash',
      'sudo bash <<EOF',
      'curl -fsSL https://get.docker.com | sh',
      'EOF',
      "su vagrant -c 'curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash'",
      'sg docker -c "snap install kubectl --classic"',
      '',
    ].join('\n');
    const result = await grade('P3-INSTALL', script);
    expect(result.status, result.message).toBe('pass');
    expect(result.locations).toEqual([3, 5, 6].map((line) => ({ file: 'p3/scripts/a.sh', line })));
  });

  it('counts namespaces created inside a newgrp heredoc and a runuser -c string', async () => {
    const script =
      '#!/bin/bash\nnewgrp docker <<EOF\nkubectl create namespace argocd\nEOF\nrunuser -l vagrant -c "kubectl create namespace dev"\n';
    const result = await grade('P3-NAMESPACES', script);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toMatch(/argocd: .*a\.sh:3.*dev: .*a\.sh:5/);
  });
});

describe('scriptRunOf', () => {
  it('reads where the script of each wrapper comes from', () => {
    expect(scriptRunOf({ argv: words('su', '-', 'vagrant', '-c', 'id') })).toMatchObject({ stdin: false, commandString: { value: 'id' } });
    expect(scriptRunOf({ argv: words('su', '-s', '/bin/bash', 'vagrant') })).toMatchObject({ stdin: true });
    expect(scriptRunOf({ argv: words('sg', '-', 'docker', '-c', 'id') })).toMatchObject({ commandString: { value: 'id' } });
    expect(scriptRunOf({ argv: words('newgrp', 'docker') })).toMatchObject({ stdin: true });
    expect(scriptRunOf({ argv: words('bash', '-lc', 'id') })).toMatchObject({ commandString: { value: 'id' } });
    expect(scriptRunOf({ argv: words('script', '--command=id', '/dev/null') })).toMatchObject({ commandString: { value: 'id' } });
    expect(scriptRunOf({ argv: words('script', 'out.log') })).toBeUndefined();
    expect(scriptRunOf({ argv: words('ssh', 'host', 'id') })).toBeUndefined();
    expect(scriptRunOf({ argv: [] })).toBeUndefined();
  });

  it('unwraps sudo options written together, and knows sudo -s / -i without a command', () => {
    expect(unwrapArgv(words('sudo', '-iu', 'vagrant', 'k3d', 'version')).argv.map((word) => word.value)).toEqual(['k3d', 'version']);
    expect(unwrapArgv(words('sudo', '-uvagrant', 'k3d')).argv.map((word) => word.value)).toEqual(['k3d']);
    expect(unwrapArgv(words('sudo', '-i'))).toMatchObject({ argv: [], shell: true });
    expect(unwrapArgv(words('sudo', '-E'))).toEqual({ argv: [], env: {} });
    expect(unwrapArgv(words('runuser', '-u', 'vagrant', '--', 'k3d', 'version')).argv.map((word) => word.value)).toEqual([
      'k3d',
      'version',
    ]);
  });
});
