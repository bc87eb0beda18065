// The shipped rules (rules/) by category: what they catch and, as importantly, leave alone.
// Cases that rules/tests.yaml already holds are checked there (test/rules/cli.test.ts), not repeated here.
import t from 'tap'
import { categories, run } from './helper.js'

t.test('slurs stand on their own', async (t) => {
  t.same(categories('Go back home, you dirty wetback'), ['identity-attack'])
})

t.test('insults: unambiguous words alone, broad words only when aimed', async (t) => {
  t.same(categories('What an idiot.'), ['insult'])
  t.same(categories('You are pathetic.'), ['insult'])
  t.same(categories("You're a liar and a hypocrite"), ['insult'])
  t.same(categories('The report said that the policy is stupid.'), [], '"that" ends the clause before it')
})

t.test('libel: allegations against an identifiable person', async (t) => {
  t.same(categories('Smith is a war criminal', ['Jane Smith']), ['libel'])
  t.same(categories('Johnson was corrupt.'), ['libel'])
  t.same(categories('Mr Smith stole the money.'), ['libel'])
  t.same(categories('Smith stole the money.'), [], 'otherwise a capitalised first word alone could be any word')
  t.same(categories('He is a corrupt crook.'), ['libel'])
  t.same(categories('The corrupt system needs reform.'), [], 'institutions and ideas are fair comment')
  t.same(categories('Corruption in the courts is a scandal.'), [])
  t.same(categories('You are a thief'), ['insult'], 'aimed at "you" it is an insult')
  const flag = run('Smith is a war criminal', ['Jane Smith']).screening.flags[0]!
  t.equal(flag.text, 'Smith is a war criminal', 'the evidence shows who and what')
  t.equal(flag.severity, 'high')
  // A name of several words is shown whole, before or after the word.
  const texts = (text: string): string[] => run(text).screening.flags.map((f) => f.text)
  t.same(texts('I think Boris Johnson is a liar.'), ['Boris Johnson is a liar'])
  t.same(texts('What a liar, Mr Smith.'), ['liar, Mr Smith'])
  t.same(texts('You are a liar, Mr Smith.'), ['You are a liar'], 'the nearest target before the word wins')
  // Coordinated allegations share their target, however long the list.
  t.same(texts('Boris Johnson is a liar and a war criminal.'), ['Boris Johnson is a liar and a war criminal'], 'one flag over the whole allegation')
  t.same(categories('He is a liar, a thief and a fraud.'), ['libel'], 'the most specific category of the overlapping words')
  t.same(categories('He is a man of the people and a fraud.'), [], 'only listed words and "and" are free: the window still ends')
  t.same(categories('Perhaps I am rather slow and stupid.'), [], '"Perhaps I": the pronoun does not make the first word a name')
})

t.test('identity attacks: slurs, dehumanising generalisations, insults aimed at groups', async (t) => {
  t.same(categories('All muslims are liars'), ['identity-attack'])
  t.same(categories('Jews are vermin'), ['identity-attack'])
  t.same(categories('Mexicans are criminals'), ['identity-attack'])
  t.same(categories('The immigrants arrived on Tuesday.'), [])
  t.same(categories('She loves animals and dogs.'), [], 'dehumanising words only count in patterns')
})

t.test('threats', async (t) => {
  t.same(categories('I will kill you'), ['threat'])
  t.same(categories("I'll kill him"), ['threat'])
  t.ok(categories('Kill all muslims').includes('threat'), 'violence against a group')
  t.same(categories('The storm killed five people.'), [])
  t.same(categories('Death to the infobox!'), [], '"death to" needs a target')
})

t.test('religion and law (ops-defined defaults)', async (t) => {
  t.same(categories('The prophet was a fraud'), ['religion'])
  t.same(categories('fuck allah'), ['religion'], 'profanity at a holy name is one religion flag')
  t.same(categories('Selling cheap cocaine, DM me'), ['law'])
  t.same(categories('The church held a concert on Sunday.'), [])
})

t.test('spam: several links, held-down keys, repeated words', async (t) => {
  t.same(categories('See http://example.org for the report'), [], 'one link is fine')
  t.same(categories('buy buy buy buy buy buy'), ['spam'])
})

t.test('verdicts and lanes from the default policy', async (t) => {
  t.same(run('I will kill you').verdict, { status: 'pending', lane: 'urgent' })
  t.same(run('You are an idiot').verdict, { status: 'pending', lane: 'high' })
  t.same(run('A lovely piece, thank you.').verdict, { status: 'pending', lane: 'normal' })
  t.same(run('Buy now http://a.example and www.b.example').verdict, { status: 'pending', lane: 'low' })
  const fr = run("Je ne suis pas d'accord avec cet article, les chiffres sont faux.")
  t.equal(fr.verdict.status, 'rejected')
  t.equal(fr.verdict.reason, 'Please write your comment in English.')
  t.equal(fr.screening.flags[0]!.category, 'language')
})

t.test('scores', async (t) => {
  t.equal(run('A lovely piece.').screening.score, 0)
  t.equal(run('I will kill you').screening.score, 0.8)
  t.ok(run('You idiot, I will kill you').screening.score > 0.8)
})
