// Which rows of the shared corpus the model may learn from. Shared by `npm run train` and
// `npm run eval`, so that eval never reports on a row the model was trained or tuned on.
import { createHash } from 'node:crypto'

/** A stable bucket 0-99 for a row, from its text or id (never its position in the file). */
export const bucket = (key: string): number => createHash('sha256').update(key).digest().readUInt32BE(0) % 100

/** wiki-talk gc.csv rows by id: 40% train, 10% dev, 50% held out for eval. */
export function wikiSplit (id: string): 'train' | 'dev' | 'held-out' {
  const b = bucket(id)
  return b < 40 ? 'train' : b < 50 ? 'dev' : 'held-out'
}
