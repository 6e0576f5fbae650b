// `kubectl port-forward` kept running while checks probe an app that is not published on the host. It
// forwards to one pod, so it dies when that pod is replaced (a v1 → v2 rollout): callers restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

export interface PortForward {
  /** The kubectl process. */
  pid?: number;
  localPort: number;
  url: string;
  alive(): boolean;
  stop(): void;
}

/** "Forwarding from 127.0.0.1:41234 -> 8888" → 41234 */
export function forwardedPort(line: string): number | undefined {
  const match = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(line);
  return match ? Number(match[1]) : undefined;
}

export async function startPortForward(options: {
  kubectlArgs: string[];
  namespace: string;
  resource: string;
  remotePort: number;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}): Promise<PortForward> {
  const child: ChildProcess = spawn(
    'kubectl',
    [...options.kubectlArgs, '-n', options.namespace, 'port-forward', '--address', '127.0.0.1', options.resource, `:${options.remotePort}`],
    {
      env: (options.env ?? process.env) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let exited = false;
  let stderr = '';
  child.on('exit', () => {
    exited = true;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const localPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(
          `kubectl port-forward ${options.resource} did not start within ${(options.timeoutMs ?? 20_000) / 1000} s: ${stderr.trim() || 'no output'}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const port = forwardedPort(line);
      if (port) {
        clearTimeout(timer);
        resolve(port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward ${options.resource} exited with code ${code}: ${stderr.trim() || 'no output'}`));
    });
  });
  return {
    pid: child.pid,
    localPort,
    url: `http://127.0.0.1:${localPort}/`,
    alive: () => !exited,
    stop: () => {
      if (!exited) child.kill();
    },
  };
}

/** True when something accepts TCP connections on this local port (a target's own port-forward, say). */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
