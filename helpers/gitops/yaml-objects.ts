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
        : { ...object, location: { ...object.location, line: (object.location.line ?? 1) + shift }, lineOf: (path) => (object.lineOf(path) ?? 1) + shift },
    ),
  );
}

/** Objects fed to `kubectl apply|create -f -` by a heredoc (on kubectl, or on a `cat` piped into it). */
export function heredocObjects(scripts: readonly ScriptFacts[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const script of scripts) {
    for (const command of script.commands) {
      const args = parseTool(command, 'kubectl');
      const verb = args?.positionals[0]?.value;
      if (!args || (verb !== 'apply' && verb !== 'create') || !(args.flags.get('--filename') ?? []).some((word) => word.value === '-')) continue;
      const text = command.heredoc ?? command.pipedFrom?.heredoc;
      const line = (command.heredoc ? command.location.line : command.pipedFrom?.location.line) ?? 0;
      if (text) objects.push(...objectsOfText(text, command.location.file, line + 1));
    }
  }
  return objects;
}
