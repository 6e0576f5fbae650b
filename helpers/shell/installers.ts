// Official install scripts committed into the part (a copy of get.k3s.io's install.sh, of k3d's
// install.sh …): recognised by the functions they define and the variables they read, which those
// scripts have kept for years, and counted as what they install when run, instead of being walked
// (their commands are the installer's own machinery, not the student's steps).
import type { Stmt } from './ast.ts';
import type { ToolInstall } from './model.ts';

interface Signature {
  tool: ToolInstall['tool'];
  /** What the message calls it. */
  name: string;
  /** Functions the script defines at its top level. */
  functions: string[];
  /** Text the script holds (variables it reads, its home URL). */
  text: RegExp[];
}

const SIGNATURES: Signature[] = [
  {
    // get.k3s.io has defined these functions and read these variables since its first release (2019).
    tool: 'k3s',
    name: 'a copy of the K3s install script (get.k3s.io)',
    functions: ['setup_env', 'download_and_verify', 'create_uninstall'],
    text: [/\bINSTALL_K3S_EXEC\b/, /\bINSTALL_K3S_VERSION\b/],
  },
  {
    // k3d's install.sh (derived from Helm's get script) since 2019.
    tool: 'k3d',
    name: "a copy of k3d's install script",
    functions: ['initArch', 'initOS', 'verifySupported', 'installFile'],
    text: [/\bK3D_INSTALL_DIR\b/],
  },
  {
    tool: 'helm',
    name: "a copy of Helm's get script",
    functions: ['initArch', 'initOS', 'verifySupported', 'installFile'],
    text: [/\bHELM_INSTALL_DIR\b/],
  },
  {
    tool: 'docker',
    name: 'a copy of the Docker install script (get.docker.com)',
    functions: ['command_exists', 'get_distribution', 'do_install'],
    text: [/get\.docker\.com/],
  },
];

/** The official install script a script is a copy of, from its syntax tree and text. */
export function officialInstaller(stmts: readonly Stmt[], text: string): { tool: ToolInstall['tool']; name: string } | undefined {
  const functions = new Set<string>();
  for (const stmt of stmts) if (stmt.cmd?.type === 'Func') functions.add(stmt.cmd.name);
  const found = SIGNATURES.find(
    (signature) => signature.functions.every((name) => functions.has(name)) && signature.text.every((pattern) => pattern.test(text)),
  );
  return found ? { tool: found.tool, name: found.name } : undefined;
}
