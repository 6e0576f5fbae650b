// Escaping for the HTML page, the JUnit XML and Markdown table cells.

// Characters XML 1.0 forbids (control characters other than tab, newline, carriage return).
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text safe inside an HTML/XML element or a double- or single-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Text safe in one cell of a GitHub Markdown table: no raw HTML, no emphasis or link, no column or line break. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '')
    .replace(/[\\`*_[\]~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}
