// The evasions a hostile user tried, each flagged on the original characters, and the
// innocent words that contain bad ones, each left alone.
import t from 'tap'
import { flagged, run } from './helper.js'

t.test('symbols that stand for letters', async (t) => {
  t.same(flagged('@ss'), ['profanity: @ss'])
  t.same(flagged('you are an @ss'), ['profanity: @ss'])
  t.same(flagged('@sshole'), ['profanity: @sshole'])
  t.same(flagged('!diot'), ['insult: !diot'])
  t.same(flagged('This is bu11sh1t.'), ['profanity: bu11sh1t'], '"1" read as "l" and as "i" in one word')
  t.same(flagged('@user thanks for the link'), [], 'a mention is not a word of a list')
})

t.test('letters swapped or dropped', async (t) => {
  t.same(flagged('fvck'), ['profanity: fvck'])
  t.same(flagged('fck'), ['profanity: fck'])
  t.same(flagged('what the fck'), ['profanity: fck'])
  t.same(flagged('cvnt'), ['profanity: cvnt'])
})

t.test('a group word misspelt by one slip still names the group', async (t) => {
  t.same(flagged('I hate Mulsims.'), ['identity-attack: hate Mulsims'], 'letters swapped')
  t.same(flagged('Imigrants are vermin.'), ['identity-attack: Imigrants are vermin'], 'a letter left out, not read as "i migrants"')
  t.same(flagged('Backs are filthy after a long hike.'), [], '"blacks" less its l is a word, not a slip')
  t.same(flagged('Ugly Canadian weather again.'), [], 'a plural less its s is the adjective, not a slip')
})

t.test('letters from other Unicode blocks', async (t) => {
  t.same(flagged('🅸🅳🅸🅾🆃'), ['insult: 🅸🅳🅸🅾🆃'], 'negative squared letters')
  t.same(flagged('🅘🅓🅘🅞🅣'), ['insult: 🅘🅓🅘🅞🅣'], 'negative circled letters')
  t.same(flagged('🇮🇩🇮🇴🇹'), ['insult: 🇮🇩🇮🇴🇹'], 'regional indicators')
  t.same(flagged('ⓘⓓⓘⓞⓣ'), ['insult: ⓘⓓⓘⓞⓣ'], 'circled letters')
})

t.test('text reversed by a right-to-left override', async (t) => {
  const text = 'you are an \u202etoidi'
  t.same(flagged(text), ['insult: toidi'], 'shown as "idiot", flagged on its original characters')
  t.same(flagged('\u202etoidi na era uoy\u202c ok'), ['insult: toidi'], 'a reversed phrase')
  t.same(flagged('\u202etoidi\nidiot'), ['insult: toidi', 'insult: idiot'], 'a new line ends the override')
})

t.test('words run together', async (t) => {
  t.same(flagged('youareanidiot'), ['insult: idiot'])
  t.same(flagged('ur a moron'), ['insult: moron'])
  t.same(flagged('muslimsareanimals'), ['identity-attack: muslimsareanimals'])
})

t.test('letters spelled out, one to three spaces or symbols apart', async (t) => {
  t.same(flagged('f u c k'), ['profanity: f u c k'])
  t.same(flagged('f  u  c  k'), ['profanity: f  u  c  k'])
  t.same(flagged('f   u   c   k'), ['profanity: f   u   c   k'])
  t.same(flagged('f.u.c.k off'), ['profanity: f.u.c.k'])
  t.same(flagged('f    u    c    k'), [], 'four spaces apart the letters are no word')
})

t.test('spelled-out phrases are read as words', async (t) => {
  t.same(flagged('I w i l l k i l l you'), ['threat: I w i l l k i l l you'])
  t.same(flagged('m u s l i m s are animals'), ['identity-attack: m u s l i m s are animals'])
  t.same(flagged('y o u a r e a n i d i o t'), ['insult: i d i o t'])
})

t.test('the language of obfuscated English', async (t) => {
  t.equal(run('This is bu11sh1t.').screening.language.english, true, 'digits inside words are letters')
  const shout = run('FUCK THIS WAR').screening
  t.not(shout.language.english, false, 'shouting is not a foreign language')
  t.ok(shout.flags.length > 0, 'and it is flagged')
})

t.test('innocent words that contain bad ones stay clean', async (t) => {
  for (const text of ['Dickens', 'cocktail', 'Scunthorpe', 'assassin', 'class', 'therapist', 'Sussex', 'Kung Fu', 'April Fools', 'burn CDs',
    'We burn CDs every Kung Fu night in Sussex.', 'A classic cocktail, a therapist and a novel by Dickens.', 'Pranks on April Fools day.', 'The U.S. Army and the E.U. agreed.']) {
    t.same(flagged(text), [], text)
  }
})

t.test('one flag per span, of the most specific category', async (t) => {
  t.same(flagged('Jane Smith is a liar and a thief', ['Jane Smith']), ['libel: Jane Smith is a liar and a thief'], 'libel, not also an insult over the same words')
  t.same(flagged('Jane Smith is a liar'), ['insult: Jane Smith is a liar'])
  t.same(flagged('fuck allah'), ['religion: fuck allah'])
  t.same(flagged('You idiot. Fuck off.'), ['insult: idiot', 'profanity: Fuck'], 'separate spans keep their own flags')
  const flags = run('Jane Smith is a liar and a fraud, and you are an idiot', ['Jane Smith']).screening.flags
  for (let i = 1; i < flags.length; i++) t.ok(flags[i]!.start >= flags[i - 1]!.end, 'no two flags overlap')
})
