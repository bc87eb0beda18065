// @ts-check
// A comment's text with each flag marked on its exact span: text.slice(start, end), as
// the screening reports it (UTF-16 offsets). Built from text nodes, never from HTML.

/** @typedef {{ category: string, rule: string, severity: string, start: number, end: number, text: string }} Flag */

/**
 * Fills `container` with `text`, each flag a focusable <mark> whose tooltip (hover or focus)
 * names its category, rule and severity. Flags do not overlap (the screening merges
 * overlapping matches); one that would is listed with the flags but not marked.
 * @param {HTMLElement} container
 * @param {string} text
 * @param {Flag[]} flags
 */
export function renderHighlighted (container, text, flags) {
  container.replaceChildren()
  const sorted = [...flags].sort((a, b) => a.start - b.start || b.end - a.end)
  let at = 0
  for (const f of sorted) {
    if (f.start < at || f.end > text.length || f.start >= f.end) continue
    if (f.start > at) container.append(document.createTextNode(text.slice(at, f.start)))
    const mark = document.createElement('mark')
    mark.className = `flag flag-${f.category}`
    mark.textContent = text.slice(f.start, f.end)
    const tip = `${f.category} · ${f.rule} · ${f.severity}`
    mark.dataset.tip = tip
    mark.dataset.start = String(f.start)
    mark.dataset.end = String(f.end)
    mark.title = tip
    mark.tabIndex = 0
    container.append(mark)
    at = f.end
  }
  if (at < text.length) container.append(document.createTextNode(text.slice(at)))
}
