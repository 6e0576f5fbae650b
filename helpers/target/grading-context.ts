// Everything a static check may ask about the target, computed once per grading run.
// Domain modules (vagrantfile/, shell/, manifests/) hold the facts; they memoise them here
// with ctx.once so that checks of one part share one evaluation of its Vagrantfile.
import type { Config } from '../config/env.ts';
import type { Target } from './repository.ts';

export class GradingContext {
  readonly config: Config;
  readonly target: Target;
  private readonly facts = new Map<string, Promise<unknown>>();

  constructor(config: Config, target: Target) {
    this.config = config;
    this.target = target;
  }

  /** Computes a fact once for this context; later calls with the same key share the promise. */
  once<T>(key: string, compute: () => Promise<T> | T): Promise<T> {
    let fact = this.facts.get(key) as Promise<T> | undefined;
    if (!fact) {
      fact = Promise.resolve().then(compute);
      this.facts.set(key, fact);
    }
    return fact;
  }
}
