// Word tables split over SHARDS hash tables once they are large. A JS Map or Set grows by
// rehashing all of its entries at once: at 2^20 entries one insertion took 161 ms, and a
// list of a million words stopped the event loop that long during a reload, however finely
// compiling was sliced. Split 32 ways, each table rehashes a thirty-second of the entries.
// Below SPLIT_AT entries a table is one Map (its rehash is short), so the usual rule set
// pays no hashing of its own on lookups.

const SHARDS = 32
const SPLIT_AT = 65536

/** Which table a word is in: its length and a few of its characters, mixed. */
function shardOf (word: string): number {
  const n = word.length
  if (n === 0) return 0
  return (n * 31 + word.charCodeAt(0) * 7 + word.charCodeAt(n - 1) * 13 + word.charCodeAt(n >> 1)) & (SHARDS - 1)
}

/** What matching needs of a set of words: a sharded set and a plain Set both are one. */
export interface WordSet extends Iterable<string> {
  has: (word: string) => boolean
  readonly size: number
}

export class ShardedSet implements WordSet {
  private shards: Array<Set<string>> = [new Set()]
  size = 0

  add (word: string): this {
    const shard = this.shardFor(word)
    if (!shard.has(word)) {
      shard.add(word)
      if (++this.size === SPLIT_AT) this.shards = splitInto(this.shards[0]!, () => new Set<string>(), (s, w) => s.add(w))
    }
    return this
  }

  has (word: string): boolean {
    return this.shardFor(word).has(word)
  }

  private shardFor (word: string): Set<string> {
    return this.shards.length === 1 ? this.shards[0]! : this.shards[shardOf(word)]!
  }

  * [Symbol.iterator] (): Iterator<string> {
    for (const shard of this.shards) yield * shard
  }
}

export class ShardedMap<V> {
  private shards: Array<Map<string, V>> = [new Map()]
  private size = 0

  get (word: string): V | undefined {
    return this.shardFor(word).get(word)
  }

  has (word: string): boolean {
    return this.shardFor(word).has(word)
  }

  set (word: string, value: V): this {
    const shard = this.shardFor(word)
    const fresh = !shard.has(word)
    shard.set(word, value)
    if (fresh && ++this.size === SPLIT_AT) {
      const one = this.shards[0]!
      this.shards = splitInto(one.keys(), () => new Map<string, V>(), (m, w) => m.set(w, one.get(w)!))
    }
    return this
  }

  private shardFor (word: string): Map<string, V> {
    return this.shards.length === 1 ? this.shards[0]! : this.shards[shardOf(word)]!
  }

  * keys (): Iterable<string> {
    for (const shard of this.shards) yield * shard.keys()
  }
}

/** The keys of one table spread over SHARDS new tables (once, at SPLIT_AT entries). */
function splitInto<T> (words: Iterable<string>, make: () => T, put: (table: T, word: string) => void): T[] {
  const tables = Array.from({ length: SHARDS }, make)
  for (const word of words) put(tables[shardOf(word)]!, word)
  return tables
}
