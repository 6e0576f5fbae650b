import { describe, expect, it } from 'vitest';
import { analyzeScript, type ScriptSource } from './analyze.ts';
import type { K3sInstall, ScriptFacts } from './model.ts';
import { INSTALLER_STAND_INS } from './testing.ts';
import type { PartFiles } from './walk.ts';

const noFiles: PartFiles = { resolve: () => undefined, read: () => undefined };
const analyze = (text: string, options: Partial<ScriptSource> = {}): Promise<ScriptFacts> =>
  analyzeScript({ file: 'p1/scripts/x.sh', text, dotenv: {}, files: noFiles, ...options });

async function onlyInstall(text: string, options: Partial<ScriptSource> = {}): Promise<K3sInstall> {
  const facts = await analyze(text, options);
  expect(facts.parsed).toBe(true);
  expect(facts.k3sInstalls).toHaveLength(1);
  return facts.k3sInstalls[0]!;
}

describe('K3s installs', () => {
  it('reads mode and flags from INSTALL_K3S_EXEC on the piped shell', async () => {
    const install = await onlyInstall(
      'curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --node-ip 192.168.56.110 --flannel-iface=eth1 --disable traefik --disable servicelb" sh -\n',
    );
    expect(install).toMatchObject({ mode: 'server', via: 'get.k3s.io', location: { file: 'p1/scripts/x.sh', line: 1 } });
    expect(install.flags).toEqual({ 'node-ip': '192.168.56.110', 'flannel-iface': 'eth1', disable: 'traefik,servicelb' });
  });

  it('reads mode and flags from the args after sh -s -', async () => {
    const install = await onlyInstall(
      'curl -sfL https://get.k3s.io | sh -s - agent --server https://192.168.56.110:6443 --token-file /vagrant/token --node-ip=192.168.56.111\n',
    );
    expect(install.mode).toBe('agent');
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
    expect(install.tokenFrom).toBe('--token-file');
    expect(install.flags['node-ip']).toBe('192.168.56.111');
  });

  it('makes K3S_URL an agent and no mode at all a server', async () => {
    const agent = await onlyInstall('curl -sfL https://get.k3s.io | K3S_URL=https://192.168.56.110:6443 K3S_TOKEN=secret sh -\n');
    expect(agent).toMatchObject({ mode: 'agent', tokenFrom: 'K3S_TOKEN' });
    const server = await onlyInstall('curl -sfL https://get.k3s.io | sh -\n');
    expect(server.mode).toBe('server');
  });

  it('accepts wget -qO- and bash -s --', async () => {
    const install = await onlyInstall('wget -qO- https://get.k3s.io | sudo bash -s -- server --cluster-init\n');
    expect(install).toMatchObject({ mode: 'server', flags: { 'cluster-init': true } });
  });

  it('sees env exported earlier in the script, or given by the provisioner', async () => {
    const text = 'export K3S_URL="https://${SERVER}:6443"\nexport K3S_TOKEN_FILE=/vagrant/token\ncurl -sfL https://get.k3s.io | sh -\n';
    const install = await onlyInstall(text, { env: { SERVER: '192.168.56.110', INSTALL_K3S_EXEC: 'agent --node-ip 192.168.56.111' } });
    expect(install).toMatchObject({ mode: 'agent', tokenFrom: 'K3S_TOKEN_FILE', flags: { 'node-ip': '192.168.56.111' } });
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
  });

  it('names the placeholder of an unresolved server URL', async () => {
    const install = await onlyInstall('curl -sfL https://get.k3s.io | K3S_URL="https://${MASTER_IP}:6443" K3S_TOKEN=x sh -\n');
    expect(install.serverUrl).toMatchObject({ value: 'https://${MASTER_IP}:6443', unresolved: ['${MASTER_IP}'] });
  });

  it('does not count an env prefix given to curl instead of sh', async () => {
    const install = await onlyInstall('K3S_URL=https://192.168.56.110:6443 curl -sfL https://get.k3s.io | sh -\n');
    expect(install.mode).toBe('server');
  });

  it('follows a downloaded install script run later', async () => {
    const text =
      'curl -sfL https://get.k3s.io -o /tmp/k3s-install.sh\nchmod +x /tmp/k3s-install.sh\nINSTALL_K3S_EXEC="agent" K3S_URL=https://192.168.56.110:6443 K3S_TOKEN=t /tmp/k3s-install.sh --node-ip 192.168.56.111\nwget https://get.k3s.io -O install.sh\nsh install.sh server\n';
    const facts = await analyze(text);
    expect(facts.k3sInstalls.map((install) => [install.via, install.mode, install.location.line])).toEqual([
      ['install-script', 'agent', 3],
      ['install-script', 'server', 5],
    ]);
    expect(facts.k3sInstalls[0]!.flags['node-ip']).toBe('192.168.56.111');
  });

  it('finds k3s server|agent binary invocations', async () => {
    const facts = await analyze('k3s agent --server https://192.168.56.110:6443 --token abc &\nk3s kubectl get nodes\n');
    expect(facts.k3sInstalls).toHaveLength(1);
    expect(facts.k3sInstalls[0]).toMatchObject({ via: 'binary', mode: 'agent', tokenFrom: '--token' });
  });

  it('merges a config file written by heredoc, with CLI flags taking precedence', async () => {
    const text = [
      'mkdir -p /etc/rancher/k3s',
      'cat <<EOF > /etc/rancher/k3s/config.yaml',
      'node-ip: 192.168.56.111',
      'flannel-iface: eth1',
      'server: https://192.168.56.110:6443',
      'token: "${TOKEN}"',
      'EOF',
      'curl -sfL https://get.k3s.io | sh -s - agent --flannel-iface enp0s8',
    ].join('\n');
    const install = await onlyInstall(`${text}\n`, { dotenv: { TOKEN: 'from-dotenv' } });
    expect(install).toMatchObject({
      mode: 'agent',
      tokenFrom: 'config:token',
      flags: { 'node-ip': '192.168.56.111', 'flannel-iface': 'enp0s8', token: 'from-dotenv' },
    });
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
    expect(install.configFiles).toEqual(['/etc/rancher/k3s/config.yaml']);
  });

  it('reads a config file whose values hold command substitutions with quotes, keeping them unresolved', async () => {
    const text = [
      'IFACE="$(ip -o -4 route get "$SERVER_IP" \\',
      "    | awk '{print $5}')\"",
      'sudo tee /etc/rancher/k3s/config.yaml >/dev/null <<EOF',
      'server: "https://192.168.56.110:6443"',
      'token: "abc"',
      'flannel-iface: "${IFACE}"',
      'EOF',
      'curl -sfL https://get.k3s.io | sudo sh -s - agent',
    ].join('\n');
    const install = await onlyInstall(`${text}\n`);
    expect(install).toMatchObject({ mode: 'agent', tokenFrom: 'config:token' });
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
    expect(install.flags['flannel-iface']).toMatch(/^\$\(ip -o -4 route get "\$SERVER_IP"/);
    expect(install.flagUnresolved?.['flannel-iface']).toHaveLength(1);
  });

  it('makes server: in a config file an agent when no mode is given', async () => {
    const text =
      "echo 'server: https://192.168.56.110:6443' | tee /etc/rancher/k3s/config.yaml.d/10-join.yaml\ncurl -sfL https://get.k3s.io | sh -\n";
    const install = await onlyInstall(text);
    expect(install.mode).toBe('agent');
    expect(install.configFiles).toEqual(['/etc/rancher/k3s/config.yaml.d/10-join.yaml']);
  });

  it('reads a config file copied from the part', async () => {
    const files: PartFiles = {
      resolve: (path) => (path === '/vagrant/confs/k3s.yaml' ? 'p1/confs/k3s.yaml' : undefined),
      read: (path) =>
        path === 'p1/confs/k3s.yaml' ? 'node-ip: 192.168.56.110\nflannel-iface: eth1\nwrite-kubeconfig-mode: "0644"\n' : undefined,
    };
    const install = await onlyInstall(
      'sudo install -D -m 0644 /vagrant/confs/k3s.yaml /etc/rancher/k3s/config.yaml\ncurl -sfL https://get.k3s.io | sh -\n',
      { files },
    );
    expect(install.flags).toMatchObject({ 'node-ip': '192.168.56.110', 'flannel-iface': 'eth1', 'write-kubeconfig-mode': '0644' });
    expect(install.flagSources!['node-ip']).toBe('/etc/rancher/k3s/config.yaml');
  });

  it('reads a config file named by --config from the part', async () => {
    const files: PartFiles = {
      resolve: (path) => (path === '/vagrant/confs/server.yaml' ? 'p1/confs/server.yaml' : undefined),
      read: () => 'node-ip: 192.168.56.110\n',
    };
    const install = await onlyInstall('curl -sfL https://get.k3s.io | sh -s - server --config /vagrant/confs/server.yaml\n', { files });
    expect(install.flags['node-ip']).toBe('192.168.56.110');
  });

  it('reads K3s short flags (-i is --node-ip, -t --token, -s --server)', async () => {
    const install = await onlyInstall(
      'curl -sfL https://get.k3s.io | sh -s - agent -s https://192.168.56.110:6443 -t secret -i 192.168.56.111\n',
    );
    expect(install).toMatchObject({
      mode: 'agent',
      tokenFrom: '--token',
      flags: { server: 'https://192.168.56.110:6443', token: 'secret', 'node-ip': '192.168.56.111' },
    });
  });

  it('finds a systemd unit written by the script', async () => {
    const text =
      "cat <<'EOF' > /etc/systemd/system/k3s-agent.service\n[Service]\nEnvironment=K3S_TOKEN=abc\nExecStart=/usr/local/bin/k3s agent --server https://192.168.56.110:6443 \\\n  --node-ip 192.168.56.111\nEOF\n";
    const install = await onlyInstall(text);
    expect(install).toMatchObject({ via: 'systemd', mode: 'agent', tokenFrom: 'K3S_TOKEN', flags: { 'node-ip': '192.168.56.111' } });
  });
});

describe('committed copies of official install scripts', () => {
  it('runs a copy of get.k3s.io with the args it is given, as `sh -s - ARGS` would', async () => {
    const facts = await analyze(INSTALLER_STAND_INS.k3s, { file: 'p1/scripts/k3s.sh', args: ['--node-ip', '192.168.56.110'] });
    expect(facts.installer).toMatchObject({ tool: 'k3s', location: { file: 'p1/scripts/k3s.sh' } });
    expect(facts.k3sInstalls).toHaveLength(1);
    expect(facts.k3sInstalls[0]).toMatchObject({
      mode: 'server',
      via: 'copy of get.k3s.io',
      flags: { 'node-ip': '192.168.56.110' },
      location: { file: 'p1/scripts/k3s.sh' },
    });
    expect(facts.toolInstalls.map((install) => install.tool)).toEqual(['k3s']);
    // Its own commands are the installer's machinery: not walked, so nothing else is found in it.
    expect(facts.commands).toEqual([]);
  });

  it('makes it an agent from the env it is given (K3S_URL), with the token and INSTALL_K3S_EXEC flags', async () => {
    const env = { K3S_URL: 'https://192.168.56.110:6443', K3S_TOKEN_FILE: '/vagrant/token', INSTALL_K3S_EXEC: '-i 192.168.56.111' };
    const install = await onlyInstall(INSTALLER_STAND_INS.k3s, { env });
    expect(install).toMatchObject({ mode: 'agent', tokenFrom: 'K3S_TOKEN_FILE', flags: { 'node-ip': '192.168.56.111' } });
    expect(install.serverUrl?.value).toBe('https://192.168.56.110:6443');
  });

  it("walks a student's script that only borrows the installer's names", async () => {
    const text =
      'setup_env() { export INSTALL_K3S_EXEC="server --node-ip $1"; }\nsetup_env 192.168.56.110\ncurl -sfL https://get.k3s.io | sh -\n';
    const facts = await analyze(text);
    expect(facts.installer).toBeUndefined();
    expect(facts.k3sInstalls.map((install) => [install.via, install.mode, install.flags['node-ip'], install.location.line])).toEqual([
      ['get.k3s.io', 'server', '192.168.56.110', 3],
    ]);
  });

  it("counts a copy of k3d's install script as a k3d install", async () => {
    const facts = await analyze(INSTALLER_STAND_INS.k3d, { file: 'p3/scripts/k3d.sh' });
    expect(facts.toolInstalls).toEqual([{ tool: 'k3d', how: "a copy of k3d's install script", location: { file: 'p3/scripts/k3d.sh' } }]);
    const notQuite = await analyze(INSTALLER_STAND_INS.k3d.replaceAll('K3D_INSTALL_DIR', 'TOOL_DIR'));
    expect(notQuite.toolInstalls).toEqual([]);
  });
});

describe('tool installs', () => {
  const tools = async (text: string): Promise<Array<[string, number | undefined]>> =>
    (await analyze(text)).toolInstalls.map((install) => [install.tool, install.location.line]);

  it('finds docker from get.docker.com, a downloaded get-docker.sh, or a package', async () => {
    expect(await tools('curl -fsSL https://get.docker.com | sh\n')).toEqual([['docker', 1]]);
    expect(await tools('curl -fsSL https://get.docker.com -o get-docker.sh\nsudo sh ./get-docker.sh\n')).toEqual([['docker', 2]]);
    expect(
      await tools('apt-get update\nDEBIAN_FRONTEND=noninteractive apt-get install -y ca-certificates docker-ce docker-ce-cli\n'),
    ).toEqual([['docker', 2]]);
    expect(await tools('sudo dnf -y install docker\n')).toEqual([['docker', 1]]);
  });

  it('finds k3d from its install script, a release binary, or go install', async () => {
    expect(await tools('wget -q -O - https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | TAG=v5.8.3 bash\n')).toEqual([
      ['k3d', 1],
    ]);
    expect(
      await tools(
        'curl -Lo /usr/local/bin/k3d https://github.com/k3d-io/k3d/releases/download/v5.8.3/k3d-linux-amd64\nchmod +x /usr/local/bin/k3d\n',
      ),
    ).toEqual([['k3d', 1]]);
    expect(await tools('go install github.com/k3d-io/k3d/v5@latest\n')).toEqual([['k3d', 1]]);
  });

  it('needs a downloaded binary to be made executable', async () => {
    expect(await tools('curl -LO https://dl.k8s.io/release/v1.33.4/bin/linux/amd64/kubectl\n')).toEqual([]);
    expect(
      await tools(
        'curl -LO "https://dl.k8s.io/release/$(curl -Ls https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl"\nsudo install -o root -g root -m 0755 kubectl /usr/local/bin/kubectl\n',
      ),
    ).toEqual([['kubectl', 1]]);
  });

  it('reads a release URL whose unknown parts hold spaces as one word', async () => {
    const text =
      'os=$(uname -s | tr "[:upper:]" "[:lower:]")\ncurl -fsSL "https://dl.k8s.io/release/v1.33.4/bin/${os}/$(dpkg --print-architecture)/kubectl" -o "$HOME/bin/kubectl"\nchmod +x "$HOME/bin/kubectl"\n';
    expect(await tools(text)).toEqual([['kubectl', 2]]);
  });

  it('finds kubectl, helm and argocd from packages and release downloads', async () => {
    expect(await tools('snap install kubectl --classic\n')).toEqual([['kubectl', 1]]);
    expect(await tools('curl https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash\n')).toEqual([['helm', 1]]);
    expect(
      await tools(
        'curl -sSL -o argocd https://github.com/argoproj/argo-cd/releases/download/v3.1.5/argocd-linux-amd64\ninstall -m 555 argocd /usr/local/bin/argocd\n',
      ),
    ).toEqual([['argocd', 1]]);
  });

  it('counts every tool a package-manager command installs', async () => {
    expect(await tools('apt-get install -y docker-ce kubectl\n')).toEqual([
      ['docker', 1],
      ['kubectl', 1],
    ]);
    expect(await tools('sudo dnf install -y docker kubernetes-client helm\n')).toEqual([
      ['docker', 1],
      ['kubectl', 1],
      ['helm', 1],
    ]);
    expect(await tools('yum -y install moby-engine kubectl\n')).toEqual([
      ['docker', 1],
      ['kubectl', 1],
    ]);
    expect(await tools('snap install kubectl helm --classic\n')).toEqual([
      ['kubectl', 1],
      ['helm', 1],
    ]);
    expect(await tools('brew install k3d kubectl argocd\n')).toEqual([
      ['k3d', 1],
      ['kubectl', 1],
      ['argocd', 1],
    ]);
    expect(await tools('apk add --no-cache docker kubectl\n')).toEqual([
      ['docker', 1],
      ['kubectl', 1],
    ]);
    expect(await tools('apt-get install -y docker.io docker-ce-cli curl constructor\n')).toEqual([['docker', 1]]);
    expect(await tools('constructor install kubectl\ntoString\n')).toEqual([]);
  });

  it('follows eval of a string handed to a function', async () => {
    const text =
      'setup() {\n  local cmd=$1\n  eval "$cmd"\n}\nsetup "curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash"\neval "$UNKNOWN"\n';
    expect(await tools(text)).toEqual([['k3d', 3]]);
    expect(await tools("eval 'command -v kubectl || snap install kubectl --classic'\n")).toEqual([['kubectl', 1]]);
  });

  it('counts the K3s install as a k3s tool install', async () => {
    expect(await tools('curl -sfL https://get.k3s.io | sh -\n')).toEqual([['k3s', 1]]);
  });
});
