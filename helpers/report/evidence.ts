// Links from a report page to the evidence files of live checks (reports/<part>/…).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';

export interface EvidenceLink {
  /** URL relative to the page, each path segment encoded. */
  href: string;
  /** The path as a reader recognises it, relative to the page's folder. */
  label: string;
}

/** Evidence paths are relative to the project root (or absolute); links are relative to the page's folder. */
export function evidenceLink(file: string, pageDir: string, projectRoot: string = PROJECT_ROOT): EvidenceLink {
  const absolute = isAbsolute(file) ? file : resolve(projectRoot, file);
  const label = relative(pageDir, absolute).split(sep).join('/');
  return { href: label.split('/').map(encodeURIComponent).join('/'), label };
}
