// Character folding: what one code point of a comment "means" for matching.
// Every original code point folds to zero or more plain lowercase characters; the tokenizer
// keeps the original span of each, so a match always maps back to the text the reader wrote.

// Zero-width, format and bidi-control characters (Unicode category Cf), variation selectors
// and combining marks carry no letter of their own: they are dropped.
const INVISIBLE = /^[\p{Cf}\p{Mn}\p{Me}\uFE00-\uFE0F\u034F\u115F\u1160\u3164\uFFA0]$/u

// Look-alike letters from other scripts (Unicode confusables, the ones seen in abuse) and
// Latin letters that NFKC leaves alone. Keys are lowercase: case folding runs first.
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', б: 'b', в: 'b', г: 'r', д: 'd', е: 'e', ё: 'e', з: '3', и: 'u', й: 'u', к: 'k', л: 'n', м: 'm',
  н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ч: '4', ш: 'w', щ: 'w', ъ: 'b', ы: 'bi',
  ь: 'b', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h', ү: 'y', ҳ: 'x', ɡ: 'g',
  // Greek
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', λ: 'l', μ: 'u', ν: 'v', ξ: 'e',
  ο: 'o', π: 'n', ρ: 'p', σ: 'o', ς: 's', τ: 't', υ: 'u', φ: 'f', χ: 'x', ψ: 'w', ω: 'w', ϲ: 'c', ϳ: 'j',
  // Latin letters without a decomposition
  ß: 'ss', ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', æ: 'ae', œ: 'oe', þ: 'th', ŀ: 'l', ɑ: 'a', ɩ: 'i',
  ʀ: 'r', ʏ: 'y', ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k',
  ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z'
}

/** Digits and symbols that stand for letters inside a word ("sh1t", "@ss", "b!tch"). */
export const LEET: Record<string, string> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
  $: 's', '@': 'a', '!': 'i', '+': 't', '|': 'l', '€': 'e', '£': 'l'
}

/** Second readings of ambiguous leet characters: "1" is "i" in sh1t but "l" in "1oser". */
export const LEET_ALTERNATIVE: Record<string, string> = { '1': 'l', '|': 'i', '!': 'l' }

/** Characters that hide a letter: "f*ck", "f#ck", "sh%t". */
export const MASKS = new Set(['*', '#', '%', '?'])

const NON_ASCII = /[^\p{ASCII}]/u

/** Right-to-left override: what follows is shown reversed, up to the end of the override. */
export const RTL_OVERRIDE = 0x202e
/** What ends an override: pop directional formatting, pop directional isolate, a new line. */
export const OVERRIDE_END = new Set([0x202c, 0x2069, 0x0a, 0x0d, 0x2029])

/** The text as a reader sees it: every right-to-left override's span reversed. */
export function displayOrder (text: string): string {
  if (!text.includes('\u202e')) return text
  let out = ''
  let reversed: string[] | undefined
  const close = (): void => {
    if (reversed !== undefined) out += reversed.reverse().join('')
    reversed = undefined
  }
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp === RTL_OVERRIDE) { close(); reversed = []; continue }
    if (reversed !== undefined && OVERRIDE_END.has(cp)) close()
    if (reversed !== undefined) reversed.push(ch)
    else out += ch
  }
  close()
  return out
}

/** Plain ASCII text takes the fast paths of the tokenizer and the language gate. */
export function isAscii (text: string): boolean {
  return !NON_ASCII.test(text)
}

const cache = new Map<number, string>()

// Letters of the Enclosed Alphanumeric Supplement that NFKC leaves alone: negative circled
// (🅐), negative squared (🅰) and regional indicators (🇦). Abuse spells words with them.
const ENCLOSED_LETTER_BLOCKS = [0x1f150, 0x1f170, 0x1f1e6]

function enclosedLetter (cp: number): string | undefined {
  for (const base of ENCLOSED_LETTER_BLOCKS) {
    if (cp >= base && cp < base + 26) return String.fromCharCode(97 + cp - base)
  }
  return undefined
}

/**
 * The folded form of one code point: NFKC (full-width and styled letters become plain),
 * case-folded, accents removed, look-alikes replaced. Empty for invisible characters.
 */
export function foldCodePoint (cp: number): string {
  if (cp < 128) return cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : String.fromCharCode(cp)
  const hit = cache.get(cp)
  if (hit !== undefined) return hit
  const ch = String.fromCodePoint(cp)
  let out = enclosedLetter(cp) ?? ''
  if (out === '' && !INVISIBLE.test(ch)) {
    const decomposed = ch.normalize('NFKC').toLowerCase().normalize('NFD')
    for (const c of decomposed) {
      if (INVISIBLE.test(c)) continue
      out += CONFUSABLES[c] ?? c
    }
  }
  // The cache is bounded by the number of distinct code points ever seen (at most ~1.1M,
  // in practice a few thousand), and saves the normalize() calls on every later comment.
  cache.set(cp, out)
  return out
}
