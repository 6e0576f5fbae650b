// A field's place inside an object, e.g. ['spec', 'template', 'spec', 'containers', 0, 'image'],
// written the way kubectl and the API server write it: spec.template.spec.containers[0].image.

export type FieldPath = ReadonlyArray<string | number>;

export function formatPath(path: FieldPath): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) text += text ? `.${step}` : step;
    else text += `[${JSON.stringify(step)}]`;
  }
  return text || '(the document)';
}

/** The steps of a path written by formatPath. */
export function parsePath(text: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(JSON.parse(match[3]) as string);
  }
  return steps;
}
