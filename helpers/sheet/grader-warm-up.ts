// What a process that is about to grade starts first: Ruby compiles and boots one VM while the rest of
// the grader loads (a second VM booted beside it costs ~100 MB of peak memory, over bench:static's 300 MB
// target, for no measurable gain), and ShellCheck's outcomes are kept (and started early, see
// prefetchShellchecks). A grading service keeps two VMs ready between gradings.
import { keepSandboxWarm, prewarmSandbox } from '../vagrantfile/ruby-sandbox.ts';

export async function warmUpGrader(mode: 'once' | 'serve'): Promise<void> {
  if (mode === 'serve') keepSandboxWarm(2);
  else prewarmSandbox(1);
  // Loaded after Ruby has started: the shell modules take a while to load.
  (await import('../shell/shellcheck.ts')).rememberShellcheckOutcomes();
}
