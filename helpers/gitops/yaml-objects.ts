// YAML text read into Kubernetes objects with the manifest module's reader, for YAML that module
// does not see: a copy of Argo CD's install manifest too large for the target reader, or a
// heredoc piped to `kubectl apply -f -`.
import { objectsOfDocument } from '../manifests/documents.ts';
import type { ManifestObject } from '../manifests/model.ts';
import { substitute } from '../manifests/placeholders.ts';
import { parseYaml } from '../manifests/yaml-files.ts';
import { effective } from '../shell/invocation.ts';
import type { ScriptFacts, ShellCommand } from '../shell/model.ts';
import { parseTool } from './argv.ts';

/** The objects of a YAML text; `firstLine` is the file line the text starts on. Unparsable documents are left out. */
export function objectsOfText(text: string, file: string, firstLine = 1): ManifestObject[] {
  const shift = firstLine - 1;
  return parseYaml(file, text).documents.flatMap((document) =>
    objectsOfDocument(document, {}).map((object) =>
      shift === 0
        ? object
        : {
            ...object,
            location: { ...object.location, line: (object.location.line ?? 1) + shift },
            lineOf: (path) => (object.lineOf(path) ?? 1) + shift,
          },
    ),
  );
}

/**
 * Objects a script sends to `kubectl apply|create -f` from text it holds: a heredoc on `-f -` (on
 * kubectl, or on a `cat` piped into it), or a file the script wrote before (`cat > app.yaml <<EOF`
 * then `kubectl apply -f app.yaml`), matched by file name as the script's folder is unknown.
 */
export function heredocObjects(scripts: readonly ScriptFacts[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const script of scripts) {
    const used = new Set<ScriptFacts['writtenFiles'][number]>();
    for (const command of script.commands) {
      const args = parseTool(command, 'kubectl');
      const verb = args?.positionals[0]?.value;
      if (!args || (verb !== 'apply' && verb !== 'create')) continue;
      for (const file of args.flags.get('--filename') ?? []) {
        if (file.value === '-' || file.value === '/dev/stdin') {
          const stdin = stdinText(command);
          if (stdin) objects.push(...objectsOfText(stdin.text, command.location.file, stdin.line));
          continue;
        }
        const written = writtenBefore(script, file.value, command.location.line ?? Infinity);
        if (!written || used.has(written)) continue;
        used.add(written);
        objects.push(...objectsOfText(written.content, written.location.file, writtenTextLine(script, written)));
      }
    }
  }
  return objects;
}

const MAX_PIPE = 8;

/**
 * The text a command reads on stdin, and the script line it starts on: its heredoc, or the heredoc
 * a `cat`, `tee` or `envsubst` before it in the pipeline passes on (`cat <<EOF | kubectl apply -f -`,
 * `envsubst <<'EOF' | kubectl apply -f -`); envsubst replaces the variables the script exported.
 */
function stdinText(command: ShellCommand, depth = 0): { text: string; line: number } | undefined {
  if (command.heredoc !== undefined) return { text: command.heredoc, line: command.heredocLine ?? (command.location.line ?? 0) + 1 };
  const from = command.pipedFrom;
  if (!from || depth >= MAX_PIPE) return undefined;
  const { argv, name } = effective(from);
  if (!['cat', 'tee', 'envsubst'].includes(name) || argv.slice(1).some((word) => !word.value.startsWith('-') && word.value !== '-'))
    return undefined;
  const fed = stdinText(from, depth + 1);
  if (!fed || name !== 'envsubst') return fed;
  const exported = Object.fromEntries(
    Object.entries(from.inheritedEnv ?? {})
      .filter(([, word]) => !word.unresolved.length)
      .map(([key, word]) => [key, word.value]),
  );
  return { ...fed, text: substitute(fed.text, exported) };
}

const lastSegment = (path: string): string | undefined => path.replace(/\/+$/, '').split('/').at(-1);

/** The latest file the script wrote, before `line`, whose name is that of `path`; not a copy of a file of the part (read already). */
function writtenBefore(script: ScriptFacts, path: string, line: number): ScriptFacts['writtenFiles'][number] | undefined {
  const name = lastSegment(path);
  if (!name || !/\.(ya?ml|json)$/i.test(name)) return undefined;
  return script.writtenFiles
    .filter((written) => !written.from && written.content && lastSegment(written.path) === name && (written.location.line ?? 0) <= line)
    .at(-1);
}

/** A heredoc's text starts on the line after its command's last line; an echo's on the command's own line. */
function writtenTextLine(script: ScriptFacts, written: ScriptFacts['writtenFiles'][number]): number {
  const line = written.location.line ?? 0;
  for (const command of script.commands) {
    if (command.location.line !== line) continue;
    const fed = command.heredoc !== undefined ? command : command.pipedFrom?.heredoc !== undefined ? command.pipedFrom : undefined;
    if (fed) return fed.heredocLine ?? line + 1;
  }
  return line;
}
