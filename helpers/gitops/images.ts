// Container images of workloads: where each is written and what it names.
import type { ManifestObject } from '../manifests/model.ts';
import { containersOf, podTemplatePaths } from '../manifests/workloads.ts';
import { fieldOf, type Field } from './field.ts';

export interface ImageRef {
  /** Registry host when the reference names one (ghcr.io, localhost:5000). */
  registry?: string;
  /** The repository path without the registry ('wil42/playground'). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference the way container runtimes do. */
export function parseImage(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { registry: first, path: rest.slice(slash + 1), tag, digest };
  return { path: rest, tag, digest };
}

const DOCKER_HUB = new Set([undefined, 'docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The image names `repository` on Docker Hub (wil42/playground, docker.io/wil42/playground …). */
export const isDockerHub = (image: ImageRef, repository: string): boolean =>
  DOCKER_HUB.has(image.registry) && image.path.toLowerCase() === repository;

export interface ContainerImage {
  object: ManifestObject;
  container: string;
  image: Field;
  ports: number[];
}

/** Objects that run pods (Deployments, StatefulSets, Pods, Jobs …). */
export const isPodOwner = (object: ManifestObject): boolean => podTemplatePaths(object.kind) !== undefined && object.kind !== 'PodTemplate';

/** The containers (not init containers) of a workload with their images and container ports. */
export function containerImages(object: ManifestObject): ContainerImage[] {
  return containersOf(object).flatMap((container, index) => {
    const image = fieldOf(object, [...container.path, 'image']);
    if (!image) return [];
    const ports = container.ports.flatMap((port) => (port.containerPort === undefined ? [] : [port.containerPort]));
    return [{ object, container: container.name ?? `#${index + 1}`, image, ports }];
  });
}
