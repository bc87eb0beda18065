import t from 'tap'
import { tokenize } from '../../src/screening/tokenize.js'
import { foldCodePoint } from '../../src/screening/fold.js'

const norms = (text: string): string[] => tokenize(text).tokens.map((tok) => tok.norm)

t.test('folding: NFKC, case, accents, look-alikes, invisible characters', async (t) => {
  t.equal(foldCodePoint('Ｆ'.codePointAt(0)!), 'f', 'full-width')
  t.equal(foldCodePoint('𝐟'.codePointAt(0)!), 'f', 'mathematical bold')
  t.equal(foldCodePoint('É'.codePointAt(0)!), 'e', 'accent removed')
  t.equal(foldCodePoint('с'.codePointAt(0)!), 'c', 'Cyrillic es')
  t.equal(foldCodePoint('ο'.codePointAt(0)!), 'o', 'Greek omicron')
  t.equal(foldCodePoint(0x200b), '', 'zero-width space')
  t.equal(foldCodePoint(0x202e), '', 'bidi override')
  t.equal(foldCodePoint(0xfe0f), '', 'variation selector')
  t.equal(foldCodePoint('ß'.codePointAt(0)!), 'ss')
  t.same(norms('ＦＵＣＫ fuсk f\u200Bu\u200Dck FuCk'), ['fuck', 'fuck', 'fuck', 'fuck'])
})

t.test('leet, masks, repeats', async (t) => {
  t.same(norms('sh1t @$$ b!tch 5h1t'), ['shit', 'ass', 'bitch', 'shit'])
  const [one] = tokenize('1oser').tokens
  t.ok(one!.variants.includes('loser'), '"1" is also read as "l"')
  t.equal(tokenize('f*ck').tokens[0]!.masked, 'f?ck')
  t.equal(tokenize('f**k').tokens[0]!.masked, 'f??k')
  t.equal(tokenize('***').tokens.length, 0, 'masks alone are no word')
  t.same(norms('455 2024 3.14'), [], 'numbers are not words')
  const [long] = tokenize('fuuuuuck').tokens
  t.ok(long!.variants.includes('fuck'), 'long repeats collapse')
  t.same(norms('idiot! @user'), ['idiot', 'user'], 'trailing ! and leading @ are punctuation')
})

t.test('spelled-out words are joined', async (t) => {
  const { joined } = tokenize('you f u c k, and f.u.c.k and f-u-c-k')
  t.same(joined.map((j) => j.norm), ['fuck', 'fuck', 'fuck'])
  t.same(tokenize('a b').joined, [], 'two letters are not a word')
  t.same(tokenize('f\nu\nc\nk').joined, [], 'letters on separate lines are a list, not a word')
})

t.test('offsets point into the original text', async (t) => {
  const text = '¡Ｈｅｌｌｏ, w\u200Borld! 😀 sh1t'
  for (const tok of tokenize(text).tokens) {
    const slice = text.slice(tok.start, tok.end)
    t.ok(slice.length > 0, `"${tok.norm}" has a span`)
  }
  const shit = tokenize(text).tokens.at(-1)!
  t.equal(text.slice(shit.start, shit.end), 'sh1t')
  const world = tokenize(text).tokens[1]!
  t.equal(text.slice(world.start, world.end), 'w\u200Borld', 'the span keeps the invisible character')
})

t.test('sentences', async (t) => {
  const toks = tokenize('You are kind. He is an idiot! Why? Yes').tokens
  t.same(toks.map((x) => x.sentence), [0, 0, 0, 1, 1, 1, 1, 2, 3])
})

t.test('pauses: a comma, colon, dash, bracket or slash before a token', async (t) => {
  const toks = tokenize('Well, kill-joy: a (sad) man/woman said "no" — twice').tokens
  t.same(toks.filter((x) => x.pause === true).map((x) => x.norm), ['kill', 'joy', 'a', 'sad', 'man', 'woman', 'twice'])
})
