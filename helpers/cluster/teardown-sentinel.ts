// The detached teardown process (see teardown-handover.ts): waits on its stdin until the test process either
// dismisses it or disappears, and in the second case runs the teardown plan.
// Usage: node teardown-sentinel.ts <plan.json> <teardown.log>   (fd 3: the terminal, when there is one)
import { fstatSync } from 'node:fs';
import { runPlan } from './teardown-handover.ts';

const [planFile, logFile] = process.argv.slice(2);
if (!planFile || !logFile) {
  process.stderr.write('usage: teardown-sentinel.ts <plan.json> <teardown.log>\n');
  process.exit(2);
}
// Signals of the terminal the test run started in are not for this process.
for (const name of ['SIGINT', 'SIGHUP', 'SIGQUIT'] as const) process.on(name, () => {});

let terminal: number | undefined;
try {
  fstatSync(3);
  terminal = 3;
} catch {
  terminal = undefined;
}

let heard = '';
let done = false;
const settle = (): void => {
  if (done) return;
  done = true;
  if (!heard.includes('dismiss')) runPlan(planFile, logFile, terminal);
  process.exit(0);
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  heard += chunk;
});
process.stdin.on('end', settle);
process.stdin.on('close', settle);
process.stdin.on('error', settle);
