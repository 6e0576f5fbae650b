import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VagrantEvaluation } from '../vagrantfile/model.ts';
import { imperativeObjects, machineScripts, scriptFacts } from './facts.ts';
import { objectsOf } from './part-objects.ts';
import { INSTALLER_STAND_INS, machine, shellProvisioner, tempRepository } from './testing.ts';

const evaluations = vi.hoisted(() => new Map<string, VagrantEvaluation | undefined>());
vi.mock('../vagrantfile/evaluate.ts', () => ({
  vagrantEvaluation: async (_ctx: unknown, part: string) => evaluations.get(part),
}));

afterEach(() => evaluations.clear());

describe('machineScripts', () => {
  it('resolves each provisioner with its env and args, and follows the scripts it calls', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '# evaluated by hand in this test\n',
      'p1/scripts/worker.sh': '#!/bin/bash\nSERVER="$1"\nexport K3S_URL="https://${SERVER}:6443"\nbash /vagrant/scripts/join.sh "$2"\n',
      'p1/scripts/join.sh':
        '#!/bin/bash\ncurl -sfL https://get.k3s.io | K3S_TOKEN_FILE=/vagrant/token sh -s - agent --node-ip "$1" --flannel-iface "$IFACE"\n',
    });
    const worker = machine('wilSW', '192.168.56.111', [
      shellProvisioner({
        line: 9,
        path: 'scripts/worker.sh',
        resolvedPath: 'p1/scripts/worker.sh',
        args: ['192.168.56.110', '192.168.56.111'],
        env: { IFACE: 'eth1' },
      }),
      shellProvisioner({ line: 10, inline: 'echo "inline on $(hostname)"\nhostnamectl set-hostname wilSW\n' }),
    ]);
    const scripts = await machineScripts(repository.ctx, 'p1', worker);
    expect(scripts.map((script) => [script.file, script.inline ?? false])).toEqual([
      ['p1/scripts/worker.sh', false],
      ['p1/scripts/join.sh', false],
      ['p1/Vagrantfile', true],
    ]);
    const install = scripts[1]!.k3sInstalls[0]!;
    expect(install.mode).toBe('agent');
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
    expect(install.flags).toMatchObject({ 'node-ip': '192.168.56.111', 'flannel-iface': 'eth1' });
    expect(scripts[2]!.commands.map((command) => command.location)).toEqual([
      { file: 'p1/Vagrantfile', line: 10 },
      { file: 'p1/Vagrantfile', line: 10 },
      { file: 'p1/Vagrantfile', line: 10 },
    ]);
  });

  it('follows the scripts an inline provisioner runs by path', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '#\n',
      'p1/scripts/server.sh': '#!/bin/bash\nexport INSTALL_K3S_EXEC="--node-ip $1"\ncurl -sfL https://get.k3s.io | sh -\n',
    });
    const server = machine('wilS', '192.168.56.110', [
      shellProvisioner({ line: 7, inline: 'sh /vagrant/scripts/server.sh 192.168.56.110' }),
    ]);
    const scripts = await machineScripts(repository.ctx, 'p1', server);
    expect(scripts.map((script) => [script.file, script.inline ?? false])).toEqual([
      ['p1/Vagrantfile', true],
      ['p1/scripts/server.sh', false],
    ]);
    expect(scripts[1]!.k3sInstalls[0]).toMatchObject({ mode: 'server', flags: { 'node-ip': '192.168.56.110' } });
  });

  it('applies a K3s config written by one script of the machine to the install of another', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '#\n',
      'p1/confs/server.yaml': 'node-ip: 192.168.56.110\nflannel-iface: eth1\n',
      'p1/scripts/config.sh': '#!/bin/bash\nmkdir -p /etc/rancher/k3s\ncp /tmp/server.yaml /etc/rancher/k3s/config.yaml\n',
      'p1/scripts/install.sh': '#!/bin/bash\ncurl -sfL https://get.k3s.io | sh -\n',
    });
    const server = machine('wilS', '192.168.56.110', [
      {
        type: 'file',
        env: {},
        args: [],
        options: { source: 'confs/server.yaml', destination: '/tmp/server.yaml' },
        location: { file: 'p1/Vagrantfile', line: 3 },
      },
      shellProvisioner({ line: 4, path: 'scripts/config.sh', resolvedPath: 'p1/scripts/config.sh' }),
      shellProvisioner({ line: 5, path: 'scripts/install.sh', resolvedPath: 'p1/scripts/install.sh' }),
    ]);
    const scripts = await machineScripts(repository.ctx, 'p1', server);
    expect(scripts[0]!.writtenFiles).toMatchObject([{ path: '/etc/rancher/k3s/config.yaml', from: 'p1/confs/server.yaml' }]);
    const install = scripts[1]!.k3sInstalls[0]!;
    expect(install).toMatchObject({ mode: 'server', flags: { 'node-ip': '192.168.56.110', 'flannel-iface': 'eth1' } });
  });

  it('reports a provisioner script that is missing, outside the repository, or binary', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '#\n',
      'p1/scripts/bin.sh': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      'p1/scripts/server.sh': 'echo\n',
    });
    const broken = machine('wilS', '192.168.56.110', [
      shellProvisioner({ line: 3, path: 'scripts/gone.sh', resolvedPath: 'p1/scripts/gone.sh' }),
      shellProvisioner({ line: 4, path: '../../elsewhere.sh' }),
      shellProvisioner({ line: 5, path: 'scripts/bin.sh', resolvedPath: 'p1/scripts/bin.sh' }),
      shellProvisioner({ line: 6, path: 'Scripts/Server.sh', resolvedPath: 'p1/Scripts/Server.sh' }),
    ]);
    const scripts = await machineScripts(repository.ctx, 'p1', broken);
    expect(scripts.map((script) => script.parsed)).toEqual([false, false, false, false]);
    expect(scripts.map((script) => script.problem?.kind)).toEqual(['missing', 'outside-repository', 'unreadable', 'missing']);
    expect(scripts[0]!.problem?.message).toBe('the shell provisioner at p1/Vagrantfile:3 runs p1/scripts/gone.sh, which does not exist');
    expect(scripts[1]!.problem?.message).toMatch(/outside the repository/);
    expect(scripts[2]!.problem?.message).toMatch(/binary/);
    expect(scripts[3]!.problem?.message).toBe(
      'the shell provisioner at p1/Vagrantfile:6 runs p1/Scripts/Server.sh, which does not exist (p1/scripts/server.sh exists: names are case-sensitive on Linux)',
    );
  });
});

describe('machineScripts: remote scripts and committed installers', () => {
  it('runs a get.k3s.io path: URL with the provisioner env, as curl | sh would', async () => {
    const repository = await tempRepository({ 'p1/Vagrantfile': '#\n' });
    const server = machine('wilS', '192.168.56.110', [
      shellProvisioner({ line: 7, path: 'https://get.k3s.io', env: { INSTALL_K3S_EXEC: 'server -i 192.168.56.110' } }),
    ]);
    const worker = machine('wilSW', '192.168.56.111', [
      shellProvisioner({
        line: 12,
        path: 'https://get.k3s.io',
        env: { K3S_URL: 'https://192.168.56.110:6443', K3S_TOKEN_FILE: '/vagrant/token' },
        args: ['--node-ip', '192.168.56.111'],
      }),
    ]);
    const [serverScript] = await machineScripts(repository.ctx, 'p1', server);
    expect(serverScript).toMatchObject({ file: 'p1/Vagrantfile', remote: 'https://get.k3s.io', parsed: true });
    expect(serverScript!.k3sInstalls).toMatchObject([
      { mode: 'server', via: 'get.k3s.io', flags: { 'node-ip': '192.168.56.110' }, location: { file: 'p1/Vagrantfile', line: 7 } },
    ]);
    const [workerScript] = await machineScripts(repository.ctx, 'p1', worker);
    expect(workerScript!.k3sInstalls).toMatchObject([
      { mode: 'agent', tokenFrom: 'K3S_TOKEN_FILE', flags: { 'node-ip': '192.168.56.111' } },
    ]);
    expect(workerScript!.k3sInstalls[0]!.serverUrl?.value).toBe('https://192.168.56.110:6443');
  });

  it('reports a remote script that is no known installer as outside the repository', async () => {
    const repository = await tempRepository({ 'p1/Vagrantfile': '#\n' });
    const server = machine('wilS', '192.168.56.110', [shellProvisioner({ line: 4, path: 'https://example.com/setup.sh' })]);
    const [script] = await machineScripts(repository.ctx, 'p1', server);
    expect(script).toMatchObject({ parsed: false, remote: 'https://example.com/setup.sh', k3sInstalls: [] });
    expect(script!.problem?.kind).toBe('not-fetched');
    expect(script!.problem?.message).toMatch(
      /p1\/Vagrantfile:4 runs https:\/\/example\.com\/setup\.sh, a script outside the repository that the grader does not fetch/,
    );
  });

  it('runs a committed copy of get.k3s.io with the args and env its caller gives it', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '#\n',
      'p1/scripts/k3s.sh': INSTALLER_STAND_INS.k3s,
      'p1/scripts/worker.sh':
        '#!/bin/bash\nK3S_URL="https://$1:6443" K3S_TOKEN_FILE=/vagrant/token bash /vagrant/scripts/k3s.sh agent --node-ip "$2"\n',
    });
    const server = machine('wilS', '192.168.56.110', [
      shellProvisioner({ line: 3, path: 'scripts/k3s.sh', resolvedPath: 'p1/scripts/k3s.sh', args: ['--node-ip', '192.168.56.110'] }),
    ]);
    const worker = machine('wilSW', '192.168.56.111', [
      shellProvisioner({
        line: 8,
        path: 'scripts/worker.sh',
        resolvedPath: 'p1/scripts/worker.sh',
        args: ['192.168.56.110', '192.168.56.111'],
      }),
    ]);
    const [serverScript] = await machineScripts(repository.ctx, 'p1', server);
    expect(serverScript!.k3sInstalls).toMatchObject([
      { mode: 'server', via: 'copy of get.k3s.io', flags: { 'node-ip': '192.168.56.110' }, location: { file: 'p1/scripts/k3s.sh' } },
    ]);
    const workerScripts = await machineScripts(repository.ctx, 'p1', worker);
    expect(workerScripts.map((script) => script.file)).toEqual(['p1/scripts/worker.sh', 'p1/scripts/k3s.sh']);
    const install = workerScripts[1]!.k3sInstalls[0]!;
    expect(install).toMatchObject({ mode: 'agent', tokenFrom: 'K3S_TOKEN_FILE', flags: { 'node-ip': '192.168.56.111' } });
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
  });
});

describe('scriptFacts', () => {
  it('lists every shell script of the part, resolving provisioner scripts with their env and args', async () => {
    const repository = await tempRepository({
      'p1/Vagrantfile': '#\n',
      'p1/scripts/server.sh': '#!/bin/bash\necho "$1 $TOKEN"\n',
      'p1/scripts/tool': '#!/bin/sh\necho tool\n',
      'p1/scripts/notes.txt': 'not a script\n',
      'p1/.env': 'TOKEN=from-dotenv\n',
    });
    evaluations.set('p1', {
      ok: true,
      file: 'p1/Vagrantfile',
      config: {
        machines: [
          machine('wilS', '192.168.56.110', [
            shellProvisioner({ line: 2, path: 'scripts/server.sh', resolvedPath: 'p1/scripts/server.sh', args: ['first'] }),
          ]),
        ],
        notes: [],
      },
    });
    const scripts = await scriptFacts(repository.ctx, 'p1');
    expect(scripts.map((script) => [script.file, script.shell])).toEqual([
      ['p1/scripts/server.sh', 'bash'],
      ['p1/scripts/tool', 'sh'],
    ]);
    expect(scripts[0]!.commands[0]!.argv.map((word) => word.value)).toEqual(['echo', 'first from-dotenv']);
    expect(scripts[1]!.resolvedWith?.args).toBeUndefined();
  });

  it('carries the problem of an unreadable script instead of parsing it', async () => {
    const repository = await tempRepository({ 'p3/scripts/tool.sh': new Uint8Array([0, 1, 2, 3, 0, 0]), 'p3/scripts/ok.sh': 'echo ok\n' });
    const scripts = await scriptFacts(repository.ctx, 'p3');
    expect(scripts.map((script) => [script.file, script.parsed, script.problem ?? {}])).toEqual([
      ['p3/scripts/ok.sh', true, {}],
      ['p3/scripts/tool.sh', false, { kind: 'unreadable', message: expect.stringMatching(/binary file/) }],
    ]);
  });
});

describe('imperativeObjects', () => {
  it('builds the objects kubectl create and expose would create, located at their command', async () => {
    const repository = await tempRepository({
      'p3/scripts/setup.sh': [
        '#!/bin/bash',
        'for ns in argocd dev; do kubectl create namespace "$ns"; done',
        'kubectl create deployment app1 --image=wil42/playground:v1 --replicas=3 --port=8888 -n dev',
        'kubectl expose deployment app1 --port 80 --target-port=8888 -n dev',
        'kubectl expose deploy/other --port=8080 --name other-svc',
        'kubectl create ns "$MISSING"',
        'kubectl create deployment dry --image=nginx --dry-run=client -o yaml > dry.yaml',
        'kubectl create deployment piped --image=nginx --dry-run=client -o yaml | kubectl apply -f -',
        '',
      ].join('\n'),
    });
    const objects = await imperativeObjects(repository.ctx, 'p3');
    expect(objects.map((object) => [object.kind, object.name, object.namespace, object.location.line])).toEqual([
      ['Namespace', 'argocd', undefined, 2],
      ['Namespace', 'dev', undefined, 2],
      ['Deployment', 'app1', 'dev', 3],
      ['Service', 'app1', 'dev', 4],
      ['Service', 'other-svc', undefined, 5],
      ['Namespace', '$MISSING', undefined, 6],
      ['Deployment', 'piped', undefined, 8],
    ]);
    const deployment = objects[2]!;
    expect(deployment.body).toMatchObject({
      apiVersion: 'apps/v1',
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'app1' } },
        template: { spec: { containers: [{ name: 'playground', image: 'wil42/playground:v1', ports: [{ containerPort: 8888 }] }] } },
      },
    });
    expect(deployment.lineOf(['spec', 'replicas'])).toBe(3);
    expect(objects[3]!.body).toMatchObject({ spec: { selector: { app: 'app1' }, ports: [{ port: 80, targetPort: 8888 }] } });
    expect(objects[4]!.unresolved['spec.selector']).toEqual(['the selector of deploy/other']);
    expect(objects[5]!.unresolved['metadata.name']).toEqual(['$MISSING']);
    expect(objects[0]!.origin).toBe('script');
  });

  it("gives a Service exposed from a workload declared in YAML that workload's selector and, without --port, its port", async () => {
    const repository = await tempRepository({
      'p2/confs/app1.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app1\nspec:\n  selector:\n    matchLabels:\n      app: one\n  template:\n    metadata:\n      labels:\n        app: one\n    spec:\n      containers:\n        - name: c\n          image: nginx\n          ports:\n            - containerPort: 5678\n',
      'p2/scripts/setup.sh':
        '#!/bin/bash\nkubectl apply -f /vagrant/confs/app1.yaml\nkubectl expose deployment app1 --name=app1-svc --port=80 --target-port=5678\nkubectl expose deployment/app1 --name=bare\nkubectl expose deployment gone --port=80\n',
    });
    const objects = await objectsOf(repository.ctx, 'p2');
    const services = objects.filter((object) => object.kind === 'Service');
    expect(services.map((service) => [service.name, service.body.spec])).toEqual([
      ['app1-svc', { selector: { app: 'one' }, ports: [{ port: 80, targetPort: 5678, protocol: 'TCP' }] }],
      ['bare', { selector: { app: 'one' }, ports: [{ port: 5678, targetPort: 5678, protocol: 'TCP' }] }],
      ['gone', { ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] }],
    ]);
    expect(services[0]!.unresolved['spec.selector']).toBeUndefined();
    expect(services[2]!.unresolved['spec.selector']).toEqual(['the selector of deployment/gone']);
  });

  it('creates one namespace per element of an array looped over', async () => {
    const repository = await tempRepository({
      'p3/scripts/setup.sh': '#!/bin/bash\nNS=(argocd dev)\nfor ns in "${NS[@]}"; do\n  kubectl create namespace "$ns"\ndone\n',
    });
    const objects = await imperativeObjects(repository.ctx, 'p3');
    expect(objects.map((object) => [object.kind, object.name, object.location.line])).toEqual([
      ['Namespace', 'argocd', 4],
      ['Namespace', 'dev', 4],
    ]);
  });

  it('names unresolved fields with the shared path format (formatPath)', async () => {
    const repository = await tempRepository({
      'p3/scripts/setup.sh':
        '#!/bin/bash\nkubectl create deployment app --image="wil42/playground:$TAG" -n dev\nkubectl expose deployment app --port "$PORT" -n dev\n',
    });
    const [deployment, service] = await imperativeObjects(repository.ctx, 'p3');
    expect(deployment!.unresolved).toEqual({ 'spec.template.spec.containers[0].image': ['$TAG'] });
    expect(service!.unresolved).toEqual({ 'spec.ports[0].port': ['$PORT'] });
  });
});
