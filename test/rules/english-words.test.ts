import t from 'tap'
import { inSortedWords, readEnglishWords } from '../../src/rules/english-words.js'

t.test('a sorted JSON array of words is searched in its text', async (t) => {
  const text = JSON.stringify(['a', 'aa', 'ab', 'back', 'backs', 'hind', 'hinds', 'zzz'])
  for (const word of ['a', 'aa', 'ab', 'back', 'backs', 'hind', 'hinds', 'zzz']) t.ok(inSortedWords(text, word), word)
  for (const word of ['', 'b', 'bac', 'backss', 'hin', 'mulsims', 'zzzz', 'aaa']) t.notOk(inSortedWords(text, word), `not ${JSON.stringify(word)}`)
  t.notOk(inSortedWords('[]', 'a'), 'an empty list')
})

t.test('the package\'s list: English words in, misspelt group words out', async (t) => {
  const isWord = await readEnglishWords()
  for (const word of ['a', 'backs', 'hinds', 'lacks', 'gas', 'zebra']) t.ok(isWord(word), word)
  for (const word of ['mulsims', 'imigrants', 'jwes', 'immigrnts']) t.notOk(isWord(word), word)
})
