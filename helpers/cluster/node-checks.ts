// Judging nodes as `kubectl get nodes -o json` (or the API) shows them: names, Ready, InternalIP, roles.
import { failed, pending, succeeded, type Verdict } from './expectation.ts';

export interface NodeLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    addresses?: Array<{ type?: string; address?: string }>;
  };
}

export interface ExpectedNode {
  /** The machine name; Kubernetes lowercases node names (wilS → wils), so names compare case-insensitively. */
  name: string;
  ip: string;
  controlPlane?: boolean;
}

export const nodeName = (node: NodeLike): string => node.metadata?.name ?? '?';
export const internalIp = (node: NodeLike): string | undefined => node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
export const isReady = (node: NodeLike): boolean => (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
export const isControlPlane = (node: NodeLike): boolean => {
  const labels = node.metadata?.labels ?? {};
  return labels['node-role.kubernetes.io/control-plane'] === 'true' || labels['node-role.kubernetes.io/master'] === 'true';
};

export function describeNode(node: NodeLike): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const state = isReady(node) ? 'Ready' : `NotReady${ready?.reason ? ` (${ready.reason})` : ''}`;
  return `${nodeName(node)} ${state} ${internalIp(node) ?? 'no InternalIP'}${isControlPlane(node) ? ' control-plane' : ''}`;
}

const listNodes = (nodes: NodeLike[]): string => nodes.map(describeNode).join(', ') || 'none';

/** Exactly the expected nodes, each Ready with its InternalIP (and the control-plane role where asked). */
export function nodesMatch(nodes: NodeLike[], expected: ExpectedNode[]): Verdict {
  const want = `${expected.length} node${expected.length === 1 ? '' : 's'} Ready named ${expected.map((e) => e.name).join(' and ')}`;
  if (nodes.length > expected.length)
    return failed(
      `expected exactly ${expected.length} node${expected.length === 1 ? '' : 's'}, found ${nodes.length}: ${listNodes(nodes)}`,
    );
  if (nodes.length < expected.length) return pending(`${want} (have ${nodes.length}: ${listNodes(nodes)})`);
  for (const wanted of expected) {
    const node = nodes.find((n) => nodeName(n).toLowerCase() === wanted.name.toLowerCase());
    if (!node)
      return failed(
        `no node named after machine ${wanted.name} (nodes: ${listNodes(nodes)}); the node name comes from the machine's hostname`,
      );
    const ip = internalIp(node);
    if (ip !== wanted.ip)
      return failed(
        `node ${nodeName(node)} has InternalIP ${ip ?? 'none'}, expected ${wanted.ip}; pin K3s to the private network with --node-ip ${wanted.ip} (or --flannel-iface)`,
      );
    if (wanted.controlPlane && !isControlPlane(node))
      return failed(`node ${nodeName(node)} lacks the control-plane role: K3s on it does not run in server mode`);
  }
  const notReady = nodes.filter((n) => !isReady(n));
  if (notReady.length) return pending(`${want} (have ${listNodes(nodes)})`);
  return succeeded(`${listNodes(nodes)}`);
}

/** Every node Ready (k3d clusters: any number of nodes). */
export function allNodesReady(nodes: NodeLike[]): Verdict {
  if (nodes.length === 0) return pending('at least one node (have none)');
  const notReady = nodes.filter((n) => !isReady(n));
  if (notReady.length) return pending(`all nodes Ready (${listNodes(nodes)})`);
  return succeeded(`${nodes.length} node${nodes.length === 1 ? '' : 's'} Ready: ${listNodes(nodes)}`);
}
