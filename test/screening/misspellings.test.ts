import t from 'tap'
import { misspellingsOf, misspeltForms } from '../../src/screening/misspellings.js'

t.test('one slip: neighbouring letters swapped, or one letter left out', async (t) => {
  t.same(misspellingsOf('jews').sort(), ['jesw', 'jwes'], 'swapped, the first letter kept; too short to shorten')
  const muslims = misspellingsOf('muslims')
  for (const slip of ['mulsims', 'msulims', 'muslmis', 'mslims', 'musims', 'muslms']) t.ok(muslims.includes(slip), slip)
  t.notOk(muslims.includes('uslims'), 'the first letter is never left out')
  t.notOk(muslims.includes('muslim'), 'nor the last: "Canadians" without its s is the adjective')
  t.notOk(muslims.includes('muslims'), 'the word itself is no slip')
  t.same(misspellingsOf('gay'), [], 'three letters: every slip would be another short word')
  t.same(misspellingsOf('trans-women'), [], 'only plain letters')
  t.equal(new Set(misspellingsOf('immigrants')).size, misspellingsOf('immigrants').length, 'each once ("imigrants" either m)')
})

t.test('a slip that spells a word, or another target, is left out', async (t) => {
  const english = new Set(['backs', 'lacks'])
  const forms = misspeltForms(['blacks', 'muslims'], new Set(['blacks', 'muslims', 'bales']), (w) => english.has(w))
  t.notOk(forms.includes('backs'), 'an English word')
  t.notOk(forms.includes('lacks'), 'an English word')
  t.ok(forms.includes('blakcs') && forms.includes('mulsims'))
  t.same(forms, [...forms].sort(), 'sorted, for a stable rules version')
})
