// A small RFC 4180 reader for the corpus files (quoted fields, doubled quotes, newlines in quotes).
export function parseCsv (s: string): string[][] {
  const rows: string[][] = []; let row: string[] = []; let f = ''; let q = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (q) { if (c === '"') { if (s[i + 1] === '"') { f += '"'; i++ } else q = false } else f += c }
    else if (c === '"') q = true
    else if (c === ',') { row.push(f); f = '' }
    else if (c === '\n') { row.push(f); rows.push(row); row = []; f = '' }
    else if (c !== '\r') f += c
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row) }
  return rows
}

/** The rows of a CSV text with a header line, as objects keyed by the header; short rows are skipped. */
export function csvRecords (s: string): Array<Record<string, string>> {
  const [head, ...rows] = parseCsv(s)
  return rows.filter((r) => r.length === head!.length).map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!])))
}
