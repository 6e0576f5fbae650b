// Part 2 — three apps behind one Ingress, booted for real (CHECKS.md, "Part 2", live table). HTTP checks go to
// 192.168.56.110 with the Host header set.
import { describe } from 'vitest';
import { failed, pending, succeeded, type Verdict } from '../../helpers/cluster/expectation.ts';
import { identifyApp, sameAppAs, stripEchoedRequest, type AppIdentity, type OwnedLike } from '../../helpers/cluster/app-identity.ts';
import { excerpt, podsNamedIn, probe, randomHost, type HttpAnswer } from '../../helpers/cluster/http-probe.ts';
import { vagrantReadiness } from '../../helpers/cluster/host-readiness.ts';
import { CheckFailure, CheckSkip, liveSuite } from '../../helpers/cluster/live-check.ts';
import { nodesMatch } from '../../helpers/cluster/node-checks.ts';
import { SERVER_IP, VagrantCluster } from '../../helpers/cluster/parts/vagrant-cluster.ts';
import {
  appWorkloads,
  qualified,
  replicasReady,
  selects,
  workloadForHost,
  workloadsAvailable,
  type WorkloadLike,
} from '../../helpers/cluster/workload-checks.ts';

const { check } = liveSuite<VagrantCluster>({
  part: 'p2',
  bootOwner: 'P2L-UP',
  readiness: ({ runner }) => vagrantReadiness({ runner }),
  driver: ({ target, runner, log }) => new VagrantCluster({ part: 'p2', target, runner, log }),
});

const BASE = `http://${SERVER_IP}/`;
/** Which app answered each route so far, compared by the next route checks. */
const answered: Array<{ route: string; app: AppIdentity }> = [];

/** The app behind an answer: the pod its body names, mapped to its Deployment through the API (app-identity.ts). */
async function whoAnswered(driver: VagrantCluster, answer: HttpAnswer): Promise<AppIdentity> {
  const kube = await driver.kube();
  const [pods, replicaSets] = await Promise.all([kube.pods(), kube.replicaSets()]);
  return identifyApp(answer.body, { pods: pods as OwnedLike[], replicaSets, sentHost: answer.host });
}

async function app2(driver: VagrantCluster): Promise<WorkloadLike> {
  const kube = await driver.kube();
  const workload = workloadForHost('app2.com', await kube.ingresses(), await kube.services(), appWorkloads(await kube.deployments()));
  if (!workload)
    throw new CheckFailure(
      'no Deployment is reached through the Ingress rule for app2.com',
      'route host app2.com to a Service that selects the app2 Deployment (P2-INGRESS-HOSTS, P2-BACKENDS)',
    );
  return workload;
}

/** 200 from the route; connection errors and 404/502/503 stay pending (Traefik and the pods may still start). */
function routeAnswers(host: string | undefined, seen: { answer?: HttpAnswer }): () => Promise<Verdict> {
  return async () => {
    const answer = await probe(BASE, { host, timeoutMs: 10_000 });
    seen.answer = answer;
    const label = host ? `Host: ${host}` : 'no Host override';
    if (answer.status === 200) return succeeded(`${label} → 200 ${excerpt(answer.body)}`);
    return pending(`${label} to answer 200 (HTTP ${answer.status}: ${excerpt(answer.body)})`);
  };
}

describe('Part 2 — three apps behind one Ingress (live)', () => {
  check('P2L-UP', [], async ({ driver }) => {
    const list = driver.machines.map((m) => `${m.name} ${m.state}`).join(', ') || 'none';
    if (driver.machines.length !== 1)
      throw new CheckFailure(`vagrant status lists ${driver.machines.length} machines: ${list}`, 'define exactly one machine, <login>S');
    if (driver.machines[0]!.state !== 'running')
      throw new CheckFailure(`not running after vagrant up: ${list}`, 'read boot.log for the provider error');
    return `running: ${list}`;
  });

  check('P2L-NODE', ['P2L-UP'], async ({ driver, poll }) => {
    const result = await poll('1 node Ready', async () =>
      nodesMatch(await driver.nodes(), [{ name: driver.server, ip: SERVER_IP, controlPlane: true }]),
    );
    return result.message;
  });

  check('P2L-APPS', ['P2L-UP'], async ({ driver, poll }) => {
    const kube = await driver.kube();
    const all = await poll('three Deployments available', async () => workloadsAvailable(appWorkloads(await kube.deployments()), 3));
    const behind = await app2(driver);
    const replicas = await poll(`3 ready replicas behind app2.com (${qualified(behind)})`, async () => {
      const current = (await kube.deployments(behind.metadata?.namespace)).find((d) => d.metadata?.name === behind.metadata?.name);
      return current ? replicasReady(current, 3) : failed(`${qualified(behind)} disappeared`);
    });
    return `${all.message}; ${replicas.message}`;
  });

  check('P2L-ROUTE-APP1', ['P2L-UP'], async ({ driver, poll }) => {
    const seen: { answer?: HttpAnswer } = {};
    const result = await poll('Host: app1.com to answer 200', routeAnswers('app1.com', seen));
    if (!seen.answer!.body.trim())
      throw new CheckFailure('Host: app1.com answers 200 with an empty body', 'serve a page that identifies app1');
    const app = await whoAnswered(driver, seen.answer!);
    answered.push({ route: 'Host: app1.com', app });
    return `${result.message}; answered by ${app.label}`;
  });

  check('P2L-ROUTE-APP2', ['P2L-ROUTE-APP1'], async ({ driver, poll }) => {
    const seen: { answer?: HttpAnswer } = {};
    const result = await poll('Host: app2.com to answer 200', routeAnswers('app2.com', seen));
    const app = await whoAnswered(driver, seen.answer!);
    const same = sameAppAs('Host: app2.com', app, answered);
    if (same) throw new CheckFailure(same, 'route app2.com to its own Service and Deployment');
    answered.push({ route: 'Host: app2.com', app });
    return `${result.message}; answered by ${app.label}`;
  });

  check('P2L-ROUTE-DEFAULT', ['P2L-ROUTE-APP2'], async ({ driver, poll }) => {
    const answers: string[] = [];
    for (const host of [undefined, randomHost()]) {
      const route = host ? `Host: ${host}` : 'a request with no Host override';
      const seen: { answer?: HttpAnswer } = {};
      const result = await poll(`${host ? `Host: ${host}` : 'no Host override'} to answer 200`, routeAnswers(host, seen));
      const app = await whoAnswered(driver, seen.answer!);
      const same = sameAppAs(route, app, answered);
      if (same)
        throw new CheckFailure(
          same,
          'send every other host to a third app (a rule without host, or spec.defaultBackend of an Ingress without rules)',
        );
      answers.push(`${result.message}; answered by ${app.label}`);
    }
    return answers.join('; ');
  });

  check('P2L-APP2-SPREAD', ['P2L-ROUTE-APP2'], async ({ driver }) => {
    const behind = await app2(driver);
    const pods = (await (await driver.kube()).pods(behind.metadata?.namespace)).filter((p) =>
      selects(behind.spec?.selector?.matchLabels, p.metadata?.labels),
    );
    const names = pods.map((p) => p.metadata?.name ?? '').filter(Boolean);
    const answered = new Set<string>();
    let anyNamed = false;
    for (let i = 0; i < 15; i++) {
      const answer = await probe(BASE, { host: 'app2.com' });
      const named = podsNamedIn(stripEchoedRequest(answer.body), names);
      if (named.length) anyNamed = true;
      for (const name of named) answered.add(name);
      if (answered.size > 1) break;
    }
    if (!anyNamed)
      throw new CheckSkip(`skipped: app2's body does not name its pod (pods: ${names.join(', ')}), so the spread cannot be seen`);
    if (answered.size < 2)
      throw new CheckFailure(
        `15 requests to app2.com were all answered by ${[...answered].join(', ')}`,
        'check that the app2 Service selects all 3 replicas',
      );
    return `app2.com answered by ${answered.size} pods: ${[...answered].join(', ')}`;
  });

  check('P2L-SELF-HEAL', ['P2L-APPS'], async ({ driver, poll }) => {
    const kube = await driver.kube();
    const behind = await app2(driver);
    const namespace = behind.metadata?.namespace ?? 'default';
    const pods = (await kube.pods(namespace)).filter((p) => selects(behind.spec?.selector?.matchLabels, p.metadata?.labels));
    const victim = pods[0]?.metadata?.name;
    if (!victim) throw new CheckFailure(`no pod of ${qualified(behind)} to delete`, 'make sure the app2 Deployment runs its 3 replicas');
    await kube.deletePod(namespace, victim);
    const result = await poll(`3 ready replicas of ${qualified(behind)} after deleting ${victim}`, async () => {
      const current = (await kube.deployments(namespace)).find((d) => d.metadata?.name === behind.metadata?.name);
      if (!current) return failed(`${qualified(behind)} disappeared`);
      const still = (await kube.pods(namespace)).some((p) => p.metadata?.name === victim);
      if (still) return pending(`${victim} to be gone`);
      return replicasReady(current, 3);
    });
    return `deleted ${victim}; ${result.message}`;
  });
});
