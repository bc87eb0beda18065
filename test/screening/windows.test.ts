// Long comments are screened in windows: the result must be what a reader would expect of
// the whole text, wherever the window edges fall.
import t from 'tap'
import { CONTEXT, WINDOW, windowsOf } from '../../src/screening/windows.js'
import { run } from './helper.js'

const FILLER = 'The weather was fine and the match was long. '

t.test('windows cover the text once, cut at white space and whole characters', async (t) => {
  for (const text of ['short', FILLER.repeat(300), 'x'.repeat(20000), '😀'.repeat(9000), ('word '.repeat(900) + 'y'.repeat(5000)).repeat(3)]) {
    const ws = windowsOf(text)
    t.equal(ws[0]!.ownFrom, 0)
    t.equal(ws.at(-1)!.ownTo, text.length)
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!
      if (i > 0) t.equal(w.ownFrom, ws[i - 1]!.ownTo, 'owned parts follow each other')
      t.ok(w.from <= w.ownFrom && w.ownTo <= w.to, 'a window reads all it owns')
      t.ok(w.ownFrom - w.from <= CONTEXT && w.to - w.ownTo <= CONTEXT, 'and at most CONTEXT more on each side')
      t.ok(w.ownTo - w.ownFrom <= WINDOW, 'and owns at most WINDOW characters')
      for (const cut of [w.from, w.to, w.ownTo]) {
        const c = text.charCodeAt(cut - 1)
        t.notOk(cut > 0 && cut < text.length && c >= 0xd800 && c <= 0xdbff, 'no cut splits a surrogate pair')
      }
    }
    if (text.startsWith(FILLER)) t.ok(ws.slice(0, -1).every((w) => /\s/.test(text[w.ownTo]!)), 'prose is cut at spaces')
  }
})

t.test('a flag across a window edge is found whole, once', async (t) => {
  const planted = 'Boris Johnson is a liar and a war criminal'
  const filler = FILLER.repeat(Math.ceil(WINDOW * 2 / FILLER.length))
  const edge = windowsOf(filler + planted + filler)[0]!.ownTo
  for (let at = edge - planted.length - 8; at <= edge + 8; at += 3) {
    // Plant the text so that it straddles the first window's edge by a different amount each time.
    const cut = filler.lastIndexOf(' ', at) + 1
    const text = filler.slice(0, cut) + planted + ' ' + filler.slice(cut)
    const flags = run(text).screening.flags
    t.same(flags.map((f) => f.text), [planted], `planted at ${cut}, window edge near ${edge}`)
  }
})

t.test('spelled-out words and runs across window edges', async (t) => {
  for (let shift = 0; shift < 24; shift += 2) {
    const prefix = FILLER.repeat(Math.ceil(WINDOW / FILLER.length)).slice(0, WINDOW - 12 + shift).replace(/\S*$/, '')
    const text = prefix + 'f u c k you ' + FILLER.repeat(3)
    t.same(run(text).screening.flags.map((f) => f.text), ['f u c k'], `spelled out at ${prefix.length}`)
  }
  const bang = '!'.repeat(WINDOW * 3)
  const spam = run('Look ' + bang).screening.flags
  t.same(spam.map((f) => [f.rule, f.end - f.start]), [['spam:repeated-character', bang.length]], 'one spam flag over the whole run')
})
