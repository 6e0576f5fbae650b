// YAML text read into Kubernetes objects with the manifest module's reader, for YAML that module
// does not see: a copy of Argo CD's install manifest too large for the target reader, or a
// heredoc piped to `kubectl apply -f -`.
import { objectsOfDocument } from '../manifests/documents.ts';
import type { ManifestObject } from '../manifests/model.ts';
import { parseYaml } from '../manifests/yaml-files.ts';
import type { ScriptFacts } from '../shell/model.ts';
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
        if (file.value === '-') {
          const text = command.heredoc ?? command.pipedFrom?.heredoc;
          const line = (command.heredoc ? command.location.line : command.pipedFrom?.location.line) ?? 0;
          if (text) objects.push(...objectsOfText(text, command.location.file, line + 1));
          continue;
        }
        const written = writtenBefore(script, file.value, command.location.line ?? Infinity);
        if (!written || used.has(written)) continue;
        used.add(written);
        objects.push(
          ...objectsOfText(
            written.content,
            written.location.file,
            (written.location.line ?? 0) + (writtenByHeredoc(script, written) ? 1 : 0),
          ),
        );
      }
    }
  }
  return objects;
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

/** A heredoc's text starts on the line after its command; an echo's on the command's own line. */
const writtenByHeredoc = (script: ScriptFacts, written: ScriptFacts['writtenFiles'][number]): boolean =>
  script.commands.some(
    (command) =>
      command.location.line === written.location.line && (command.heredoc !== undefined || command.pipedFrom?.heredoc !== undefined),
  );
