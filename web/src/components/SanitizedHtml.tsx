// The one place the app puts HTML into the page: rich text the server has
// already passed through its allow-list sanitiser (src/richtext, XSS-02),
// such as a course's description_html. Everything else is rendered as text.
export function SanitizedHtml({ html, className }: { html: string; className?: string }) {
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
