// Property: whatever the input, every flag's span slices the original text exactly.
import t from 'tap'
import fc from 'fast-check'
import { run } from './helper.js'

const pieces = ['fuck', 'sh1t', 'f u c k', 'idiot', 'you are', 'Smith is a war criminal', 'muslims are animals', 'I will kill you',
  '\u200B', '\u202E', '\uFEFF', 'ｆｕｃｋ', 'fuсk', '😀', 'é', 'e\u0301', '𝐟𝐮𝐜𝐤', '!', '*', '@$$', 'http://x.example ', ' ', '\n', 'Ⅻ', 'ﬁ', 'ß', 'İ']

t.test('spans slice the original text, on random and adversarial input', async (t) => {
  let flagsSeen = 0
  fc.assert(fc.property(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(' ')),
      fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(''))
    ),
    (text) => {
      const { screening } = run(text)
      for (const f of screening.flags) {
        flagsSeen++
        if (text.slice(f.start, f.end) !== f.text) return false
        if (f.start < 0 || f.end > text.length || f.start >= f.end) return false
      }
      return screening.score >= 0 && screening.score <= 1
    }
  ), { numRuns: 1500, seed: 20261129 })
  t.ok(flagsSeen > 100, `the inputs did produce flags (${flagsSeen})`)
})
