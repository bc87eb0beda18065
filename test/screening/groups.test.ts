// Attacks on groups written as grammar, not as slurs, and the counter-speech and negation
// that must stay clean. These check the shipped rules (rules/patterns.yaml, rules/lists/).
import t from 'tap'
import { categories as categoriesOf, flagged } from './helper.js'

t.test('hatred of a group', async (t) => {
  t.same(flagged('I hate muslims.'), ['identity-attack: hate muslims'])
  t.same(categoriesOf('We despise all the immigrants'), ['identity-attack'])
  t.same(categoriesOf('I really hate jewish people'), ['identity-attack'])
  t.same(categoriesOf('I hate Mondays and I hate traffic'), [], 'hating things is not an attack')
})

t.test('generalisations that degrade a group', async (t) => {
  for (const text of ['Immigrants are vermin.', 'Mexicans are criminals', 'Muslims are a disease', 'gay people are disgusting', 'Refugees are all parasites']) {
    t.same(categoriesOf(text), ['identity-attack'], text)
  }
  t.same(categoriesOf('Muslims are not human.'), ['identity-attack'], 'a negated positive')
  t.same(categoriesOf("Immigrants aren't welcome here"), ['identity-attack'], "aren't")
  t.same(categoriesOf('Typical muslim behaviour'), ['identity-attack'])
  t.same(categoriesOf('Jews control all of this, as usual'), ['identity-attack'])
  t.same(categoriesOf('Islam is a religion of lies'), ['religion'])
})

t.test('contempt for a group, its members and being one', async (t) => {
  for (const text of ['Atheists are truly repulsive', 'Being jewish is disgusting.', 'Those stinking migrants again', 'She is a vile lesbian', 'Sikhs are awful']) {
    t.same(categoriesOf(text), ['identity-attack'], text)
  }
  t.same(categoriesOf('Muslims moved in next door. They are awful.'), ['identity-attack'], 'they, right after a group is named')
  for (const text of ['The muslims were attacked, and the threats against them are awful.', 'Refugees sleep in filthy tents', 'Being black in that city was terrible in the sixties', 'a terrible catholic school report']) {
    t.same(categoriesOf(text), [], text)
  }
})

t.test('violence and removal wished on a group', async (t) => {
  t.same(categoriesOf('shoot all the black people'), ['threat'])
  t.same(categoriesOf('kill all muslims'), ['threat'])
  t.same(categoriesOf('They deserve to be bombed into dust'), ['threat'])
  t.same(categoriesOf('deport all muslims'), ['identity-attack'])
  t.same(categoriesOf('Ban the muslims'), ['identity-attack'])
})

t.test('"they" right after a group is named is that group', async (t) => {
  t.same(categoriesOf('Muslims moved into our town. They are vermin.'), ['identity-attack'])
  t.same(categoriesOf('The council met on Monday. They are idiots.'), ['insult'], 'no group named: an insult, not an identity attack')
})

t.test('counter-speech and identity statements stay clean', async (t) => {
  for (const text of [
    'Saying that Muslims are vermin is disgusting.',
    'Calling refugees parasites is racist and wrong.',
    'I am a proud gay man.',
    'Muslims are my neighbours and my friends.',
    'Immigrants are not criminals.',
    'Jewish people are welcome here.',
    'They should not be shot, they should be tried in court.'
  ]) t.same(flagged(text), [], text)
})

t.test('negation and condemnation in list rules', async (t) => {
  t.same(flagged('He is not a liar.'), [])
  t.same(flagged('Calling him a liar is unfair.'), [])
  t.same(categoriesOf('I am calling him a liar.'), ['insult'], 'an accusation that nothing condemns')
  t.same(categoriesOf('He is a liar.'), ['insult'])
})

t.test('a threat from a list is taken back as a pattern is, with no target needed', async (t) => {
  t.same(flagged("Please don't kill yourself, it gets better."), [])
  t.same(flagged('Saying kill yourself to a child is vile.'), [])
  t.same(categoriesOf('Go kill yourself.'), ['threat'])
  t.same(categoriesOf('No, kill yourself.'), ['threat'], 'a bare "no" answers; it negates nothing')
})

t.test('an aimed list word pointed at someone no word names is an insult', async (t) => {
  t.same(categoriesOf('What a knucklehead.'), ['insult'])
  t.same(categoriesOf('These hypocrites never learn.'), ['insult'])
  t.same(categoriesOf('Cohen? Just another spineless twit.'), ['insult'], '"another" points too')
  t.same(categoriesOf('What a crook!'), ['insult'], 'not libel: no one identifiable is named')
  t.same(flagged('The merge was, of course, useless.'), [], 'a word after a comma at the end is not called out, for lists')
  t.same(flagged('These are not hypocrites.'), [], 'a verb after the pointer: a pronoun')
})

t.test('an allegation put as a question or a condition alleges nothing', async (t) => {
  t.same(flagged('The inquiry will ask whether she lied under oath.'), [])
  t.notOk(categoriesOf('If the mayor is a crook, he should resign.').includes('libel'), 'not libel (the model may still see an insult)')
  t.same(categoriesOf('Whether you like it or not, the mayor is a crook.'), ['libel'], 'a supposing word far from the target supposes nothing of it')
  t.same(flagged('The jury will decide whether Smith should be jailed.'), [], 'nor does a libel pattern under "whether"')
  t.same(categoriesOf('The jury will decide. Smith should be jailed.'), ['libel'], 'while the same words asserted are libel')
})

t.test('a name that opens a sentence is a person when a modal follows it', async (t) => {
  t.same(categoriesOf('Obama should face a firing squad.'), ['threat'])
  t.same(categoriesOf('Trudeau will lie again, the coward.'), ['insult'])
  t.same(flagged('Taxation should be lower.'), [], 'an abstract noun is no one')
})

t.test('an aimed word right after "you" and before an object is a verb, not a name', async (t) => {
  t.same(flagged('Seeing as you hack at a football, I am surprised you can kick.'), [])
  t.same(categoriesOf('You hack!'), ['insult'])
  t.same(categoriesOf('You pig, the food is gone.'), ['insult'], 'a comma after it: it was a name')
})

t.test('a word said of the writer is aimed at no one, whoever else the sentence names', async (t) => {
  for (const text of ['How dare you call me a liar.', "He thinks I'm a fraud.", 'She keeps calling me ignorant, when he is the one who lies.', 'I was such a fool to believe him.']) {
    t.same(flagged(text), [], text)
  }
  t.same(categoriesOf('Call me a bigot, but he is a liar.'), ['insult'], 'the self-label does not shield what follows')
  t.same(categoriesOf('I think he is a liar.'), ['insult'], 'an "I" further back is the speaker, not the one described')
})

t.test('the examples the site found missed', async (t) => {
  t.same(categoriesOf('The mayor is a pathetic clown'), ['insult'])
  t.same(categoriesOf('He is a brainless hack'), ['insult'])
  t.same(categoriesOf('Putin is a butcher and a mass murderer'), ['libel'])
})

t.test('a group named in two words is one group, from either side', async (t) => {
  for (const text of ['Disabled people are not human.', 'No trans people are welcome in this pub.', 'I cannot stand gay people.', 'Kill all the black women.', 'Why are jewish kids all so useless?']) {
    t.not(categoriesOf(text), [], text)
  }
  for (const text of ['Black coffee is not human food.', 'A native speaker checked the text.', 'Gay people are my neighbours.']) {
    t.same(flagged(text), [], `${text}: the adjective alone, or a friendly phrase`)
  }
})

t.test('more ways to attack a group: exclusion, riddance, revulsion, confinement', async (t) => {
  for (const text of [
    'Immigrants should not be allowed to vote.', "Muslims can't be trusted.", 'We must get rid of the refugees.',
    'Mexicans belong in cages.', 'No Jews allowed.', 'There is nothing worse than atheists.', 'Christians make me want to puke.',
    'Sikhs disgust me.', 'Immigrants are ruining this country.', 'Arabs have no place in our town.', 'The city would be better without migrants.',
    'Muslims should all be locked up.', 'Refugees are a bunch of savages.', 'Typical of the hindus.', 'Never trust a muslim.'
  ]) t.same(categoriesOf(text), ['identity-attack'], text)
  t.same(categoriesOf('They want us wiped off the face of the earth.'), ['threat'])
  for (const text of [
    'Immigrants should be allowed to vote.', 'Muslims can be trusted with the keys.', 'The city is better without cars.', 'Refugees face the worst winter in years.',
    'Women have no right to be treated like this.', 'The Russians destroyed the town in a week.'
  ]) {
    t.same(flagged(text), [], text)
  }
})

t.test('a negation before an attack takes it back', async (t) => {
  for (const text of ["I don't hate muslims.", 'No one should hate gay people.', 'Nobody hates immigrants here.', 'Not all refugees are criminals.']) {
    t.same(flagged(text), [], text)
  }
  t.same(categoriesOf('No, I hate muslims and I always will.'), ['identity-attack'], 'after a comma the "no" answers something else')
  t.same(categoriesOf('Not only do I hate muslims, I despise them.'), ['identity-attack'], '"not only" does not negate')
})

t.test('condemnation before the report, and quoted statements condemned after', async (t) => {
  t.same(flagged('It is wrong to say that immigrants are vermin.'), [])
  t.same(flagged("It's racist to claim muslims are criminals."), [])
  t.same(flagged('Statements like "refugees are scum" show how much hate is out there.'), [])
  t.same(categoriesOf('I say immigrants are vermin.'), ['identity-attack'], 'a report that nothing condemns')
})

t.test('traits pinned on a whole group, as statements and as questions', async (t) => {
  for (const text of [
    'Arabs are so greedy.', 'Catholics are inherently dishonest.', 'Why are immigrants always so rude?', 'Aren\'t migrants just the worst?',
    'Are Jews all this arrogant?', 'Hindus are notoriously lazy.'
  ]) t.same(categoriesOf(text), ['identity-attack'], text)
  for (const text of ['A dishonest answer from the minister.', 'Why are immigrants leaving the city?', 'Are refugees safe in the camps?', 'Lawyers are so greedy.']) {
    t.same(flagged(text), [], text)
  }
})

t.test('qualities, rights and worth denied to a group', async (t) => {
  for (const text of [
    'Migrants are never honest.', "Women aren't capable of leading.", "Refugees don't deserve any compassion.", 'Muslims do not deserve rights.',
    'Gypsies have no morals.', 'Send them back to where they came from.', 'Jews fill me with rage.', 'Nothing sickens me more than Arabs.', 'I h8 immigrants.'
  ]) t.same(categoriesOf(text), ['identity-attack'], text)
  for (const text of ['Migrants are honest people.', 'Refugees do deserve our compassion.', 'I went back to where I grew up.', 'Women have no time for this.']) {
    t.same(flagged(text), [], text)
  }
})

t.test('an attack the speaker disowns, stops or judges as they quote it', async (t) => {
  for (const text of [
    'I would never say immigrants are inferior.', 'Stop saying refugees are worthless.', 'He wrote that Muslims are rats, which is vile.',
    '"Jews are scum" is a hateful thing to say.', "Don't call gay people disgusting."
  ]) t.same(flagged(text), [], text)
  t.same(categoriesOf('Stop saying sorry, Muslims are rats.'), ['identity-attack'], 'across a comma the speaker says it themself')
  t.same(categoriesOf('He said that Muslims are rats.'), ['identity-attack'], 'a report nothing condemns')
})

t.test('a belief denied or supposed takes back what follows it, from the first word of its target', async (t) => {
  for (const text of [
    "I don't think Black people are criminals.", 'I do not believe that Muslims are terrorists.', "I don't think women are stupid.",
    "I don't think that gay people are disgusting."
  ]) t.same(flagged(text), [], text)
  t.same(categoriesOf("I can't believe Americans were stupid enough to elect him."), ['identity-attack'], 'disbelief asserts it')
  t.same(categoriesOf("Isn't that moron a liar?"), ['insult'], '"that" carries a negation only after a belief')
  t.same(flagged('Nobody thinks women should stay in the kitchen anymore.'), [], 'a belief denied by "nobody"')
  t.same(flagged('If anyone believes that Muslims are vermin, they need help.'), [], 'a belief supposed by "if", to answer it')
  t.same(categoriesOf('If you ask me, women are only good for cooking.'), ['identity-attack'], '"if you ask me" asserts it')
  t.same(categoriesOf('You said immigrants are parasites.'), ['identity-attack'], 'a belief reported, not denied')
  t.same(flagged('Black people are criminals.'), ['identity-attack: Black people are criminals'], 'the evidence names the whole group')
  t.same(categoriesOf("They aren't Afghans they are all terrorists."), ['identity-attack'], '"they" does not join the group named before it')
})

t.test('profanity is profane whoever it is aimed at, negated or not', async (t) => {
  t.same(categoriesOf("I don't think you are a bitch."), ['profanity'])
  t.same(categoriesOf("I'm not your bitch."), ['profanity'], 'a negation before "your" does not take back the word it calls someone')
})
