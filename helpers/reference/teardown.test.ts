// manifests/p3/scripts/teardown.sh on a host of stub tools. k3d v5.9.0's own behaviour is what the
// stubs reproduce (cmd/cluster/clusterList.go, pkg/client/cluster.go at tag v5.9.0):
// - `k3d cluster list -o json` prints a JSON array of clusters and exits 0, or exits 1 when the
//   runtime cannot list containers (ClusterList returns "runtime failed to list nodes: …");
// - `k3d cluster get NAME` and `k3d cluster delete NAME` log the runtime error and carry on as if
//   there were no such cluster (ClusterGet swallows it): delete then exits 0 having deleted nothing.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { StubHost } from './stub-host.ts';

const TEARDOWN = join(PROJECT_ROOT, 'manifests/p3/scripts/teardown.sh');

const PERMISSION_DENIED =
  'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json": dial unix /var/run/docker.sock: connect: permission denied';
const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** k3d as v5.9.0 behaves: DOCKER_ERROR (the Docker client's error) makes every runtime call fail. */
const K3D = `
state="$STUB_STATE/clusters"
# shellcheck disable=SC2086 # one cluster name per line
[[ -f "$state" ]] || printf '%s\\n' \${K3D_CLUSTERS:-} >"$state"
fatal() { printf '\\033[31mFATA\\033[0m[0000] %s\\n' "$*" >&2; exit 1; }
runtime_error="\${DOCKER_ERROR:+docker failed to get containers with labels 'map[app:k3d]': failed to list containers: $DOCKER_ERROR}"
case "$1 $2" in
  "cluster list")
    [[ -z "$runtime_error" ]] || fatal "runtime failed to list nodes: $runtime_error"
    json=""
    for name in $(cat "$state"); do
      json+="\${json:+,}{\\"name\\":\\"$name\\",\\"network\\":{\\"name\\":\\"k3d-$name\\"},\\"nodes\\":[{\\"name\\":\\"k3d-$name-server-0\\"}],\\"serversRunning\\":1,\\"serversCount\\":1}"
    done
    echo "[$json]" ;;
  "cluster get")
    [[ -z "$runtime_error" ]] || printf 'ERRO[0000] Failed to get nodes for cluster %s: %s\\n' "$3" "$runtime_error" >&2
    grep -qx "$3" "$state" && [[ -z "$runtime_error" ]] && { echo "NAME SERVERS"; echo "$3 1/1"; exit 0; }
    fatal "No nodes found for given cluster" ;;
  "cluster delete")
    [[ -z "$runtime_error" ]] || printf 'ERRO[0000] Failed to get nodes for cluster %s: %s\\n' "$3" "$runtime_error" >&2
    if [[ -z "$runtime_error" ]] && grep -qx "$3" "$state"; then
      grep -vx "$3" "$state" >"$state.new" || true; mv "$state.new" "$state"
      echo "INFO[0001] Successfully deleted cluster $3!"
    else
      echo "INFO[0000] No nodes found for cluster '$3', nothing to delete."
    fi ;;
  *) exit 0 ;;
esac
`;
/** A `cluster delete` that reports success and deletes nothing (the runtime failing between list and delete). */
const K3D_DELETE_NOOP = K3D.replace('grep -vx "$3" "$state" >"$state.new" || true; mv "$state.new" "$state"', ':');

const DOCKER = `
if [[ "$1" == info && -n "\${DOCKER_ERROR:-}" ]]; then echo "ERROR: $DOCKER_ERROR" >&2; exit 1; fi
echo "Server Version: 26.1.5"
`;

let host: StubHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

async function teardown(env: Record<string, string>, stubs: Record<string, string> = { k3d: K3D, docker: DOCKER }) {
  host = await StubHost.create(stubs);
  const run = await host.run(TEARDOWN, [], { env });
  return { ...run, k3d: (await host.calls('k3d')).map((call) => call.slice(1).join(' ')) };
}

describe('manifests/p3/scripts/teardown.sh', () => {
  test('a cluster iot that exists is deleted, and the script checks it is gone', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'other iot' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.k3d).toContain('cluster delete iot');
    expect(run.stdout).toMatch(/deleted the k3d cluster iot/i);
  });

  test('no cluster iot: says so and succeeds, deleting nothing', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'other' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/no k3d cluster named iot/);
    expect(run.k3d.filter((call) => call.startsWith('cluster delete'))).toEqual([]);
  });

  test('Docker refuses this user (not in the docker group yet): fails, naming the fix, deletes nothing', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'iot', DOCKER_ERROR: PERMISSION_DENIED });
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toMatch(/nothing to delete/);
    expect(run.stderr).toMatch(/cannot tell whether the k3d cluster iot exists/);
    expect(run.stderr).toMatch(/permission denied/);
    expect(run.stderr).toMatch(/newgrp docker/);
    expect(run.k3d.filter((call) => call.startsWith('cluster delete'))).toEqual([]);
  });

  test('the Docker daemon is not running: fails, telling to start it', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'iot', DOCKER_ERROR: DAEMON_DOWN });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Is the docker daemon running/);
    expect(run.stderr).toMatch(/systemctl start docker/);
  });

  test('Docker is unusable and its CLI is missing too: fails, saying Docker is not installed', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'iot', DOCKER_ERROR: DAEMON_DOWN }, { k3d: K3D });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/docker command is not installed/);
  });

  test('a delete that reports success but leaves the cluster behind fails', async () => {
    const run = await teardown({ K3D_CLUSTERS: 'iot' }, { k3d: K3D_DELETE_NOOP, docker: DOCKER });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/still exists after k3d cluster delete/);
  });

  test('k3d not installed: there is no cluster to delete', async () => {
    const run = await teardown({}, { docker: DOCKER });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/k3d is not installed/);
  });
});
